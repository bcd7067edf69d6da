import type { MetricsSample } from '../../model.js';
import type { AppTimeline } from '../../sources/measurements.js';
import { bucketIncrease, highestBucketBound } from '../../stats/histogram.js';
import { type LagReading, windowMax } from '../rules/window-max.js';
import type { Figures } from './figures.js';
import {
  phaseIncrease,
  previousSample,
  quantileMs,
  samplesIn,
  scrapedDuring,
  valueAt,
} from './timeline.js';

/** A bucket "filled" during a span when it grew at all (interpolated counts are fractions). */
const ANY = 1e-6;

/** A scrape's window-max gauge as the shared rule reads it (seconds since the phase started). */
function readingsOf(samples: readonly MetricsSample[]): LagReading[] {
  return samples
    .filter((sample) => Number.isFinite(sample.lagWindowMaxMs))
    .map((sample) => ({
      t: sample.t / 1000,
      maxMs: sample.lagWindowMaxMs,
      windowS: sample.lagWindowS,
    }));
}

const lagBuckets = (sample: MetricsSample) => sample.lagBuckets;

/**
 * Event-loop delay percentiles (from the delay histogram's increase over the phase), the largest
 * delay (report/rules/window-max.ts: the gauge's readings, capped by the phase's own histogram
 * where their window reaches back before it) and the share of time the loop was busy.
 */
export function eventLoopOf(app: AppTimeline): Figures<'eventLoop'> & { lagMaxExact: boolean } {
  if (!scrapedDuring(app))
    return {
      eventLoop: {
        lagP50Ms: Number.NaN,
        lagP99Ms: Number.NaN,
        lagMaxMs: Number.NaN,
        utilization: Number.NaN,
      },
      resolution: {},
      lagMaxExact: false,
    };
  const lag = phaseIncrease(app, lagBuckets);
  const p99 = quantileMs(lag, 0.99);
  const bound = highestBucketBound(lag ?? [], ANY) * 1000;
  const max = windowMax(
    { from: app.from / 1000, to: app.to / 1000 },
    readingsOf(samplesIn(app, app.from, app.to)),
    bound,
  );
  const active = (sample: MetricsSample) => sample.eluActiveSeconds;
  const seconds = (app.to - app.from) / 1000;
  return {
    eventLoop: {
      lagP50Ms: quantileMs(lag, 0.5).ms,
      lagP99Ms: p99.ms,
      lagMaxMs: max.ms,
      utilization:
        seconds > 0
          ? (valueAt(app, app.to, active) - valueAt(app, app.from, active)) / seconds
          : Number.NaN,
    },
    resolution: p99.resolution ? { 'eventLoop.lagP99Ms': p99.resolution } : {},
    lagMaxExact: max.exact,
  };
}

/**
 * The largest delay in one stretch (from, to] ms of the phase, from the scrapes that speak for
 * it: their gauge readings, capped by the delay buckets that filled from the scrape before the
 * first of them to the last.
 */
export function lagMaxOver(
  app: AppTimeline,
  scrapes: readonly MetricsSample[],
  from: number,
  to: number,
): number {
  const first = scrapes[0];
  const last = scrapes.at(-1);
  const before = first && previousSample(app, first);
  const bound =
    before && last
      ? highestBucketBound(bucketIncrease(before.lagBuckets, last.lagBuckets), ANY) * 1000
      : Number.NaN;
  return windowMax({ from: from / 1000, to: to / 1000 }, readingsOf(scrapes), bound).ms;
}
