import type { MetricsSample, Resolution } from '../../model.js';
import type { AppTimeline } from '../../sources/measurements.js';
import { type Bucket, bucketIncrease, quantileInBucket } from '../../stats/histogram.js';

/**
 * Reading the app's counters at any instant of a phase, from its scrapes: the one "increase
 * between two instants" every figure of the app is made of.
 */

type Buckets = ReadonlyArray<readonly [number, number]>;

/** Where t falls: the scrapes around it and how far between them (0 at `before`). */
function around(app: AppTimeline, t: number) {
  const { samples } = app;
  const next = samples.findIndex((sample) => sample.t > t);
  if (next === 0) return { before: samples[0], after: samples[0], f: 0 };
  if (next === -1) return { before: samples.at(-1), after: samples.at(-1), f: 0 };
  const before = samples[next - 1] as MetricsSample;
  const after = samples[next] as MetricsSample;
  return { before, after, f: (t - before.t) / (after.t - before.t) };
}

/** A cumulative value at instant t (ms): linear between the scrapes around it, held outside them. */
export function valueAt(app: AppTimeline, t: number, read: (s: MetricsSample) => number): number {
  const { before, after, f } = around(app, t);
  if (!before || !after) return Number.NaN;
  return read(before) + (read(after) - read(before)) * f;
}

/** Cumulative buckets at instant t (ms), each bound read as valueAt reads a counter. */
export function bucketsAt(
  app: AppTimeline,
  t: number,
  read: (s: MetricsSample) => Buckets | undefined,
): Bucket[] | undefined {
  const { before, after, f } = around(app, t);
  const to = after && read(after);
  if (!before || !to) return undefined;
  const from = new Map(read(before) ?? []);
  return to.map(([le, count]) => {
    const start = from.get(le) ?? 0;
    return [le, start + (count - start) * f];
  });
}

/** Bucket-wise increase over the phase's span, from..to; undefined when the scrapes lack them. */
export function phaseIncrease(
  app: AppTimeline,
  read: (s: MetricsSample) => Buckets | undefined,
): Bucket[] | undefined {
  const before = bucketsAt(app, app.from, read);
  const after = bucketsAt(app, app.to, read);
  return before && after ? bucketIncrease(before, after) : undefined;
}

/** Increase of a counter over the phase's span (never negative). */
export function phaseCount(app: AppTimeline, read: (s: MetricsSample) => number): number {
  return Math.max(0, valueAt(app, app.to, read) - valueAt(app, app.from, read));
}

/** The scrapes taken in (from, to] ms; one at or before the phase's own start only anchors. */
export function samplesIn(app: AppTimeline, from: number, to: number): MetricsSample[] {
  const after = Math.max(from, app.from);
  return app.samples.filter((sample) => sample.t > after && sample.t <= to);
}

/** The scrape right before this one (undefined for the first). */
export function previousSample(app: AppTimeline, sample: MetricsSample): MetricsSample | undefined {
  return app.samples[app.samples.indexOf(sample) - 1];
}

/** Whether the app was scraped during the phase (or within a scrape interval after it). */
export function scrapedDuring(app: AppTimeline): boolean {
  const slack = Number.isFinite(app.scrapeIntervalMs) ? app.scrapeIntervalMs : 0;
  return app.samples.length > 1 && samplesIn(app, app.from, app.to + slack).length > 0;
}

/** A histogram quantile in ms and the bucket it lies in (a histogram knows nothing finer). */
export function quantileMs(
  increase: Buckets | undefined,
  q: number,
): { ms: number; resolution?: Resolution } {
  const found = quantileInBucket(increase ?? [], q);
  const ms = found.value * 1000;
  if (!Number.isFinite(ms)) return { ms };
  return { ms, resolution: { low: found.low * 1000, high: found.high * 1000, kind: 'bucket' } };
}
