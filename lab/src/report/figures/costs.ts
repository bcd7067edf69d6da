import type { StrategyCosts } from '../../model.js';
import type { AppTimeline } from '../../sources/measurements.js';
import { highestBucketBound } from '../../stats/histogram.js';
import type { Figures } from './figures.js';
import { phaseIncrease, quantileMs, samplesIn, scrapedDuring } from './timeline.js';

const MIB = 2 ** 20;

/**
 * What the strategy costs besides the loop, where its metrics say: the app's and the pool
 * children's memory at the phase's last scrape, the enqueue time, the slices that ran.
 */
export function costsOf(app: AppTimeline): Partial<Figures<'costs'>> {
  const last = samplesIn(app, app.from, app.to).at(-1);
  if (!scrapedDuring(app) || !last) return {};
  const costs: StrategyCosts = {};
  if (last.appMemoryBytes !== undefined) costs.appMemoryMiB = last.appMemoryBytes / MIB;
  if (last.poolWorkers !== undefined) costs.poolWorkers = last.poolWorkers;
  if (last.poolMemoryBytes !== undefined) {
    costs.poolMemoryMiB = last.poolMemoryBytes / MIB;
    if (last.poolWorkers) costs.memoryPerWorkerMiB = last.poolMemoryBytes / MIB / last.poolWorkers;
  }
  const enqueue = phaseIncrease(app, (sample) => sample.enqueueBuckets);
  const enqueueP99 = quantileMs(enqueue, 0.99);
  if (enqueue) {
    costs.enqueueP50Ms = quantileMs(enqueue, 0.5).ms;
    costs.enqueueP99Ms = enqueueP99.ms;
  }
  const slices = phaseIncrease(app, (sample) => sample.sliceBuckets);
  if (slices) {
    costs.slices = Math.round(slices.at(-1)?.[1] ?? 0);
    costs.sliceMaxMs = highestBucketBound(slices, 1e-6) * 1000;
  }
  if (Object.keys(costs).length === 0) return {};
  return {
    costs,
    resolution: enqueueP99.resolution ? { 'costs.enqueueP99Ms': enqueueP99.resolution } : {},
  };
}
