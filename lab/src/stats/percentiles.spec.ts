import { describe, expect, it } from 'vitest';
import { percentile, percentileInterval, ratio, sortNumbers, summarize } from './percentiles.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (linear interpolation between closest ranks, h = (n − 1)·q)', () => {
  it('gives the hand-computed quantiles of 1..100', () => {
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 0.5)).toBeCloseTo(50.5, 12);
    expect(percentile(oneToHundred, 0.9)).toBeCloseTo(90.1, 12);
    expect(percentile(oneToHundred, 0.95)).toBeCloseTo(95.05, 12);
    expect(percentile(oneToHundred, 0.99)).toBeCloseTo(99.01, 12);
    expect(percentile(oneToHundred, 1)).toBe(100);
  });

  it('interpolates between two values and handles one value', () => {
    expect(percentile([10, 20], 0.5)).toBe(15);
    expect(percentile([10, 20], 0.25)).toBe(12.5);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('is NaN for no values and rejects q outside [0, 1]', () => {
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], -0.1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically and leaves the input untouched', () => {
    const shuffled = [...oneToHundred].reverse();
    shuffled.splice(10, 0, shuffled.splice(50, 1)[0] as number);
    const copy = [...shuffled];
    const s = summarize(shuffled);
    expect(shuffled).toEqual(copy);
    expect(s.count).toBe(100);
    expect(s.p50).toBeCloseTo(50.5, 12);
    expect(s.p90).toBeCloseTo(90.1, 12);
    expect(s.p95).toBeCloseTo(95.05, 12);
    expect(s.p99).toBeCloseTo(99.01, 12);
    expect(s.max).toBe(100);
    // Lexicographic sorting would put 100 before 9.
    expect(sortNumbers([10, 9, 100, 1.5])).toEqual([1.5, 9, 10, 100]);
    expect(summarize([10, 9, 100]).p50).toBe(10);
  });

  it('gives count 0 and NaN statistics for no values', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    for (const v of [s.p50, s.p90, s.p95, s.p99, s.max]) expect(v).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides, and is NaN (never Infinity) when the denominator is ≤ 0 or not finite', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(0, 2)).toBe(0);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, -1)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
    expect(ratio(1, Number.NaN)).toBeNaN();
    expect(ratio(1, Number.POSITIVE_INFINITY)).toBeNaN();
  });
});

describe('percentileInterval (95 %, order statistics)', () => {
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('brackets the percentile with the values of ranks nq ± 1.96·√(nq(1 − q))', () => {
    // n = 600, q = 0.99: 594 ± 4.78 → ranks 589 and 599.
    expect(percentileInterval(oneTo(600), 0.99)).toEqual({ low: 589, high: 599 });
    // n = 1000, q = 0.5: 500 ± 31.0 → ranks 469 and 531.
    expect(percentileInterval(oneTo(1000), 0.5)).toEqual({ low: 469, high: 531 });
  });

  it('is clamped to the sample, and unknown without one', () => {
    expect(percentileInterval(oneTo(100), 0.99)).toEqual({ low: 97, high: 100 });
    expect(percentileInterval([7], 0.99)).toEqual({ low: 7, high: 7 });
    const none = percentileInterval([], 0.5);
    expect(none.low).toBeNaN();
    expect(none.high).toBeNaN();
  });
});
