import { describe, expect, it } from 'vitest';
import { percentile, ratio, sortNumbers, summarize } from './percentiles.js';

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
