import { describe, expect, it } from 'vitest';
import { type Bucket, bucketIncrease, quantileFromBuckets, quantileInBucket } from './histogram.js';

const INF = Number.POSITIVE_INFINITY;
const zero: Bucket[] = [
  [0.01, 0],
  [0.02, 0],
  [0.05, 0],
  [INF, 0],
];
// 50 observations ≤ 10 ms, 30 in (10, 20] ms, 20 in (20, 50] ms, none above.
const after: Bucket[] = [
  [0.01, 50],
  [0.02, 80],
  [0.05, 100],
  [INF, 100],
];

describe('quantileFromBuckets (PromQL histogram_quantile on the increase)', () => {
  it('interpolates linearly inside the bucket, from 0 in the first one', () => {
    expect(quantileFromBuckets(zero, after, 0.25)).toBeCloseTo(0.005, 12); // 0 + 0.01·25/50
    expect(quantileFromBuckets(zero, after, 0.5)).toBeCloseTo(0.01, 12); // 0 + 0.01·50/50
    expect(quantileFromBuckets(zero, after, 0.65)).toBeCloseTo(0.015, 12); // 0.01 + 0.01·15/30
    expect(quantileFromBuckets(zero, after, 0.9)).toBeCloseTo(0.035, 12); // 0.02 + 0.03·10/20
    expect(quantileFromBuckets(zero, after, 1)).toBeCloseTo(0.05, 12);
  });

  it('uses only the increase between the two scrapes', () => {
    const before: Bucket[] = [
      [0.01, 10],
      [0.02, 15],
      [0.05, 20],
      [INF, 1000], // 980 huge observations before: must not matter
    ];
    const later = after.map(([le, c], i) => [le, c + (before[i] as Bucket)[1]] as Bucket);
    expect(quantileFromBuckets(before, later, 0.65)).toBeCloseTo(0.015, 12);
    expect(quantileFromBuckets(before, later, 0.9)).toBeCloseTo(0.035, 12);
    expect(quantileFromBuckets([], after, 0.9)).toBeCloseTo(0.035, 12);
  });

  it('returns the last finite upper bound when the rank falls in +Inf', () => {
    const inc: Bucket[] = [
      [0.1, 5],
      [INF, 10],
    ];
    expect(quantileFromBuckets([], inc, 0.9)).toBe(0.1);
    expect(quantileFromBuckets([], inc, 0.99)).toBe(0.1);
    expect(quantileFromBuckets([], inc, 0.5)).toBeCloseTo(0.1, 12); // rank 5 = top of first bucket
    expect(quantileFromBuckets([], inc, 0.3)).toBeCloseTo(0.06, 12); // 0.1·3/5
  });

  it('is NaN without observations, without a +Inf bucket, or with fewer than 2 buckets', () => {
    expect(quantileFromBuckets(after, after, 0.5)).toBeNaN();
    expect(quantileFromBuckets(zero, zero, 0.99)).toBeNaN();
    expect(quantileFromBuckets([], [], 0.5)).toBeNaN();
    expect(
      quantileFromBuckets(
        [],
        [
          [0.01, 5],
          [0.02, 10],
        ],
        0.5,
      ),
    ).toBeNaN();
    expect(quantileFromBuckets([], [[INF, 10]], 0.5)).toBeNaN();
  });

  it('follows PromQL for q outside [0, 1] and NaN q', () => {
    expect(quantileFromBuckets(zero, after, 1.5)).toBe(INF);
    expect(quantileFromBuckets(zero, after, -0.5)).toBe(Number.NEGATIVE_INFINITY);
    expect(quantileFromBuckets(zero, after, Number.NaN)).toBeNaN();
  });

  it('accepts buckets in any order', () => {
    const shuffled: Bucket[] = [after[3], after[1], after[0], after[2]] as Bucket[];
    expect(quantileFromBuckets([], shuffled, 0.9)).toBeCloseTo(0.035, 12);
  });

  it('treats a decrease as a reset: the later values are the whole increase', () => {
    const before: Bucket[] = [
      [0.01, 100],
      [INF, 200],
    ];
    const restarted: Bucket[] = [
      [0.01, 3],
      [INF, 4],
    ];
    expect(quantileFromBuckets(before, restarted, 0.5)).toBeCloseTo((0.01 * 2) / 3, 12);
  });
});

describe('bucketIncrease', () => {
  it('subtracts per upper bound, sorted, with missing bounds counted as 0', () => {
    expect(
      bucketIncrease(
        [
          [0.01, 1],
          [INF, 4],
        ],
        [
          [INF, 10],
          [0.02, 7],
          [0.01, 5],
        ],
      ),
    ).toEqual([
      [0.01, 4],
      [0.02, 7],
      [INF, 6],
    ]);
    expect(bucketIncrease([], after)).toEqual(after);
  });
});

describe('quantileInBucket', () => {
  it('gives the estimate and the bucket it was interpolated in', () => {
    expect(quantileInBucket(after, 0.5)).toEqual({ value: 0.01, low: 0, high: 0.01 });
    const p65 = quantileInBucket(after, 0.65);
    expect(p65.value).toBeCloseTo(0.015, 12);
    expect(p65).toMatchObject({ low: 0.01, high: 0.02 });
  });

  it('says a rank in the +Inf bucket lies above the last bound, and nothing without observations', () => {
    const above = quantileInBucket([...after.slice(0, 3), [INF, 1000]], 0.99);
    expect(above).toEqual({ value: 0.05, low: 0.05, high: INF });
    const none = quantileInBucket(zero, 0.5);
    expect([none.value, none.low, none.high].every(Number.isNaN)).toBe(true);
  });
});
