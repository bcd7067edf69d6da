import { describe, expect, it } from 'vitest';
import { highestBucketBound } from '../../stats/histogram.js';
import {
  fromMatrix,
  parseSampleValue,
  type Series,
  SeriesSet,
  scrapeInterval,
  withoutResets,
} from './series.js';

const series = (labels: Record<string, string>, points: Array<[number, number]>): Series => ({
  labels,
  t: points.map(([t]) => t),
  v: points.map(([, v]) => v),
});

describe('parsing what Prometheus answers', () => {
  it('reads its spellings of non-finite values', () => {
    expect(parseSampleValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('0.25')).toBe(0.25);
  });

  it('turns a matrix into series with numeric values', () => {
    const [s] = fromMatrix([
      {
        metric: { __name__: 'x_total' },
        values: [
          [10, '1'],
          [11, '3'],
        ],
      },
    ]);
    expect(s).toEqual({ labels: { __name__: 'x_total' }, t: [10, 11], v: [1, 3] });
  });
});

describe('counters', () => {
  it('takes resets out the way increase() does', () => {
    const s = withoutResets(
      series({}, [
        [0, 5],
        [1, 8],
        [2, 2],
        [3, 4],
      ]),
    );
    expect(s.v).toEqual([5, 8, 10, 12]);
  });

  it('reads a counter between scrapes linearly, and holds it outside them', () => {
    const a = series({ __name__: 'a_total' }, [
      [10, 0],
      [12, 10],
      [14, 30],
    ]);
    const set = new SeriesSet([a]);
    expect(set.interval).toBe(2);
    expect(set.counterAt(a, 11)).toBe(5);
    expect(set.counterAt(a, 13.5)).toBe(25);
    expect(set.counterAt(a, 9)).toBe(0);
    expect(set.counterAt(a, 20)).toBe(30);
    expect(set.counterAfter(a, 12)).toBe(30);
    expect(set.counterAfter(a, 14)).toBe(30);
  });

  it('starts a series born inside the window at 0, one interval before its first scrape', () => {
    const old = series({ __name__: 'a_total' }, [
      [10, 100],
      [11, 101],
      [12, 102],
      [13, 103],
    ]);
    const born = series({ __name__: 'b_total' }, [
      [12, 4],
      [13, 6],
    ]);
    const set = new SeriesSet([old, born]);
    expect(set.counterAt(born, 10.5)).toBe(0);
    expect(set.counterAt(born, 11.5)).toBe(2);
    // A series present at the first scrape holds its first value before it.
    expect(set.counterAt(old, 5)).toBe(100);
  });

  it('sums histogram buckets by le over matching series', () => {
    const bucket = (strategy: string, le: string, v: number) =>
      series({ __name__: 'h_bucket', strategy, le, workload: strategy === 'x' ? 'cpu' : 'sleep' }, [
        [0, v],
      ]);
    const set = new SeriesSet([
      bucket('x', '0.1', 1),
      bucket('x', '+Inf', 2),
      bucket('y', '0.1', 10),
      bucket('y', '+Inf', 20),
    ]);
    expect(set.buckets('h_bucket', {}, (s) => set.counterAt(s, 0))).toEqual([
      [0.1, 11],
      [Number.POSITIVE_INFINITY, 22],
    ]);
    expect(set.buckets('h_bucket', { strategy: 'x' }, (s) => set.counterAt(s, 0))).toEqual([
      [0.1, 1],
      [Number.POSITIVE_INFINITY, 2],
    ]);
  });

  it('keeps gauges as they are (a drop is not a reset)', () => {
    const g = series({ __name__: 'g_seconds' }, [
      [0, 5],
      [1, 1],
    ]);
    const set = new SeriesSet([g]);
    expect(set.gaugeSamples('g_seconds', {}, 0, 1)).toEqual([
      [0, 5],
      [1, 1],
    ]);
  });
});

describe('helpers', () => {
  it('finds the scrape interval as the median gap between scrapes', () => {
    expect(
      scrapeInterval([
        series({}, [
          [0, 0],
          [2, 0],
          [4, 0],
          [60, 0],
        ]),
      ]),
    ).toBe(2);
  });

  it('bounds the max by the highest bucket holding observations', () => {
    const increases: Array<[number, number]> = [
      [0.1, 3],
      [0.2, 3.2],
      [0.3, 5],
      [Number.POSITIVE_INFINITY, 5],
    ];
    expect(highestBucketBound(increases, 0.5)).toBe(0.3);
    expect(highestBucketBound(increases, 1.5)).toBe(0.3);
    expect(highestBucketBound(increases, 2.5)).toBe(0.1);
    expect(highestBucketBound([[Number.POSITIVE_INFINITY, 0]], 0.5)).toBeNaN();
    // Observations above the last finite bound: the max is unknown.
    expect(
      highestBucketBound(
        [
          [10, 1],
          [Number.POSITIVE_INFINITY, 2],
        ],
        0.5,
      ),
    ).toBeNaN();
  });
});
