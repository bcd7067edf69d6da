/**
 * Raw Prometheus samples (what an instant query over a range selector returns: every scraped
 * value with its scrape timestamp) and the few operations the report needs on them: counter
 * values at any instant (linear between scrapes, resets removed), histogram buckets summed by
 * `le`, gauge samples inside a window.
 */

import type { MetricReader } from '../../metrics/app-sample.js';
import { bucketIncrease } from '../../stats/histogram.js';

export type Labels = Record<string, string>;

/** One series: label set and samples, timestamps in seconds (ascending). */
export interface Series {
  labels: Labels;
  t: number[];
  v: number[];
}

/** What /api/v1/query answers for a range selector (resultType "matrix"). */
export interface MatrixEntry {
  metric: Labels;
  values: Array<[number, string]>;
}

/** Prometheus spells non-finite sample values "+Inf", "-Inf" and "NaN". */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

export function fromMatrix(result: readonly MatrixEntry[]): Series[] {
  return result.map((entry) => ({
    labels: entry.metric,
    t: entry.values.map(([t]) => t),
    v: entry.values.map(([, v]) => parseSampleValue(v)),
  }));
}

/** A counter with its resets (process restarts) taken out, as increase() does: never decreases. */
export function withoutResets(series: Series): Series {
  let offset = 0;
  const v = series.v.map((value, i) => {
    const previous = series.v[i - 1];
    if (previous !== undefined && value < previous) offset += previous;
    return value + offset;
  });
  return { ...series, v };
}

export function matches(labels: Labels, match: Labels): boolean {
  return Object.entries(match).every(([key, value]) => labels[key] === value);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] as number);
}

/** Median spacing of the distinct sample timestamps: the scrape interval of one target. */
export function scrapeInterval(series: readonly Series[]): number {
  const stamps = [...new Set(series.flatMap((s) => s.t.map((t) => Math.round(t * 1000))))].sort(
    (a, b) => a - b,
  );
  const gaps = stamps.slice(1).map((t, i) => (t - (stamps[i] as number)) / 1000);
  return median(gaps);
}

/**
 * The series of one scrape target (or several of the same kind) in a time window, with counters
 * readable at any instant.
 */
export class SeriesSet {
  readonly series: Series[];
  /** Median scrape interval, seconds (NaN with fewer than two scrapes). */
  readonly interval: number;
  /** Time of the first scrape in the window: a series that appears later was born later (at 0). */
  readonly firstScrape: number;
  /** Every scrape timestamp, ascending. */
  readonly scrapes: number[];

  constructor(series: readonly Series[]) {
    this.series = series.map((s) => (isCounterLike(s.labels.__name__) ? withoutResets(s) : s));
    this.interval = scrapeInterval(this.series);
    this.scrapes = [...new Set(this.series.flatMap((s) => s.t))].sort((a, b) => a - b);
    this.firstScrape = this.scrapes[0] ?? Number.NaN;
  }

  get empty(): boolean {
    return this.series.length === 0;
  }

  select(name: string, match: Labels = {}): Series[] {
    return this.series.filter((s) => s.labels.__name__ === name && matches(s.labels, match));
  }

  /**
   * A counter's value at time t: linear between the scrapes around t, the first value before the
   * first scrape (or 0 before it, ramping up over one interval, when the series was born inside
   * the window), the last value after the last scrape.
   */
  counterAt(series: Series, t: number): number {
    const { t: times, v: values } = series;
    const first = times[0];
    if (first === undefined) return 0;
    if (t < first) {
      const born = first > this.firstScrape + 1e-3;
      if (!born) return values[0] as number;
      const step = Number.isFinite(this.interval) ? this.interval : 1;
      return t <= first - step ? 0 : ((values[0] as number) * (t - (first - step))) / step;
    }
    const after = firstIndexAfter(times, t);
    if (after === times.length) return values.at(-1) as number;
    const t0 = times[after - 1] as number;
    const t1 = times[after] as number;
    const v0 = values[after - 1] as number;
    const v1 = values[after] as number;
    return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }

  /** The first value scraped strictly after t (the last value if there is none). */
  counterAfter(series: Series, t: number): number {
    const index = firstIndexAfter(series.t, t + 1e-6);
    return (index === series.t.length ? series.v.at(-1) : series.v[index]) ?? 0;
  }

  /** Sum over matching series of a counter read with `read` (0 when nothing matches). */
  sum(name: string, match: Labels, read: (series: Series) => number): number {
    return this.select(name, match).reduce((total, series) => total + read(series), 0);
  }

  /** Cumulative buckets of a histogram, summed by `le` over matching series, read with `read`. */
  buckets(name: string, match: Labels, read: (series: Series) => number): Array<[number, number]> {
    const byLe = new Map<number, number>();
    for (const series of this.select(name, match)) {
      const le = parseSampleValue(series.labels.le ?? 'NaN');
      if (Number.isNaN(le)) continue;
      byLe.set(le, (byLe.get(le) ?? 0) + read(series));
    }
    return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  }

  /**
   * Bucket-wise increase of a histogram from the counters read with `before` to those read with
   * `after` (stats/histogram.ts bucketIncrease): the one "buckets between two instants".
   */
  bucketsBetween(
    name: string,
    match: Labels,
    before: (series: Series) => number,
    after: (series: Series) => number,
  ): Array<[number, number]> {
    return bucketIncrease(this.buckets(name, match, before), this.buckets(name, match, after));
  }

  /**
   * Every metric as it stood at instant t (a scrape's timestamp), for sources/app-sample.ts:
   * counters and gauges read with counterAt (exact at a scrape), histograms by `le`.
   */
  readerAt(t: number): MetricReader {
    const at = (series: Series) => this.counterAt(series, t);
    return {
      sum: (name, labels = {}) => this.sum(name, labels, at),
      buckets: (name, labels = {}) => this.buckets(`${name}_bucket`, labels, at),
      has: (name) => this.select(name).some((series) => (series.t[0] ?? t + 1) <= t + 1e-6),
    };
  }

  /** Gauge samples (summed over matching series per scrape) with from ≤ t ≤ to. */
  gaugeSamples(name: string, match: Labels, from: number, to: number): Array<[number, number]> {
    const byTime = new Map<number, number>();
    for (const series of this.select(name, match)) {
      series.t.forEach((time, i) => {
        if (time >= from && time <= to)
          byTime.set(time, (byTime.get(time) ?? 0) + (series.v[i] as number));
      });
    }
    return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** Whether a scrape of this target happened with from < t ≤ to. */
  scrapedIn(from: number, to: number): boolean {
    return this.scrapes.some((time) => time > from && time <= to);
  }
}

/** Index of the first timestamp strictly after t (times.length if none): binary search. */
function firstIndexAfter(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Counters and histogram parts only grow (until a reset); gauges do not. */
function isCounterLike(name: string | undefined): boolean {
  return (
    name !== undefined &&
    (name.endsWith('_total') ||
      name.endsWith('_bucket') ||
      name.endsWith('_count') ||
      name.endsWith('_sum'))
  );
}
