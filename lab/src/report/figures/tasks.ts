import type { MetricsSample } from '../../model.js';
import type { AppTimeline } from '../../sources/measurements.js';
import type { Figures } from './figures.js';
import { phaseCount, phaseIncrease, quantileMs, scrapedDuring } from './timeline.js';

/**
 * The background tasks of the phase: outcomes as counter increases, queue wait and run time
 * percentiles from their histograms' increases (with the bucket each estimate lies in).
 */
export function tasksOf(app: AppTimeline): Figures<'tasks'> {
  const scraped = scrapedDuring(app);
  const count = (read: (sample: MetricsSample) => number) =>
    scraped ? Math.round(phaseCount(app, read)) : 0;
  const wait = scraped ? phaseIncrease(app, (sample) => sample.waitBuckets) : undefined;
  const run = scraped ? phaseIncrease(app, (sample) => sample.runBuckets) : undefined;
  const waitP95 = quantileMs(wait, 0.95);
  const runP50 = quantileMs(run, 0.5);
  const runP95 = quantileMs(run, 0.95);
  return {
    tasks: {
      completed: count((sample) => sample.tasksDone),
      failed: count((sample) => sample.tasksFailed),
      rejected: count((sample) => sample.tasksRejected),
      waitP50Ms: quantileMs(wait, 0.5).ms,
      waitP95Ms: waitP95.ms,
      waitP99Ms: quantileMs(wait, 0.99).ms,
      runP50Ms: runP50.ms,
      runP95Ms: runP95.ms,
      runP99Ms: quantileMs(run, 0.99).ms,
    },
    resolution: {
      ...(waitP95.resolution ? { 'tasks.waitP95Ms': waitP95.resolution } : {}),
      ...(runP50.resolution ? { 'tasks.runP50Ms': runP50.resolution } : {}),
      ...(runP95.resolution ? { 'tasks.runP95Ms': runP95.resolution } : {}),
    },
  };
}
