import { METRICS, PROBE } from '@looplab/contract';
import type { MetricsSample, Strategy } from '../model.js';
import { stallCounters } from './stall-counters.js';

/**
 * The app's metrics at one instant, as either source reads them: a /metrics scrape (the local
 * sampler) or Prometheus' series at a scrape's timestamp.
 */
export interface MetricReader {
  /** Sum of every sample of this name whose labels include `labels` (0 when there is none). */
  sum(name: string, labels?: Record<string, string>): number;
  /** Cumulative buckets of histogram `name` as [upper bound, count], summed by bound, sorted. */
  buckets(name: string, labels?: Record<string, string>): Array<[number, number]>;
  /** Whether the metrics have any sample of this name. */
  has(name: string): boolean;
}

const M = METRICS;

/**
 * Reduces the app's metrics to what the report reads for one strategy: the one place that says
 * which metric feeds which figure. `all` is the app's metrics with the queue worker's when there
 * is one (its tasks count with the app's); `app` the app's alone (the memory is the app's).
 * `windowS`: the max-lag window when the app does not export it (Prometheus' --event-loop-window).
 */
export function appSample(
  all: MetricReader,
  app: MetricReader,
  strategy: Strategy,
  t: number,
  windowS = 0,
): MetricsSample {
  const byStrategy = { strategy };
  const outcome = (name: string) => all.sum(M.tasks.name, { ...byStrategy, outcome: name });
  /** A gauge of the strategy's own (the contract's `strategies`), when the app exports it. */
  const own = (metric: (typeof M)[keyof typeof M]) =>
    metric.strategies?.some((name) => name === strategy) && all.has(metric.name)
      ? all.sum(metric.name, byStrategy)
      : undefined;
  const sample: MetricsSample = {
    t,
    // NaN, not 0, when the app does not export it: no reading is not a reading of no delay.
    lagWindowMaxMs: all.has(M.eventLoopDelayWindowMax.name)
      ? all.sum(M.eventLoopDelayWindowMax.name) * 1000
      : Number.NaN,
    lagWindowS: all.has(M.eventLoopDelayWindow.name)
      ? all.sum(M.eventLoopDelayWindow.name)
      : windowS,
    pingServerBuckets: all.buckets(M.httpServerDuration.name, { route: PROBE.route }),
    lagBuckets: all.buckets(M.eventLoopDelay.name),
    eluActiveSeconds: all.sum(M.eventLoopActive.name),
    tasksDone: outcome('done'),
    tasksFailed: outcome('failed'),
    tasksRejected: outcome('rejected'),
    queueDepth: all.sum(M.taskQueueDepth.name, byStrategy),
    inFlight: all.sum(M.tasksInFlight.name, byStrategy),
    waitBuckets: all.buckets(M.taskWait.name, byStrategy),
    runBuckets: all.buckets(M.taskRun.name, byStrategy),
  };
  if (app.has(M.processResidentMemory.name))
    sample.appMemoryBytes = app.sum(M.processResidentMemory.name);
  // What a strategy costs besides the loop, only where the strategy has it.
  const poolWorkers = own(M.poolWorkers);
  if (poolWorkers !== undefined) sample.poolWorkers = poolWorkers;
  const poolMemory = own(M.poolWorkerMemory);
  if (poolMemory !== undefined) sample.poolMemoryBytes = poolMemory;
  if (M.queueEnqueue.strategies?.some((name) => name === strategy))
    sample.enqueueBuckets = all.buckets(M.queueEnqueue.name, byStrategy);
  if (M.taskSlice.strategies?.some((name) => name === strategy))
    sample.sliceBuckets = all.buckets(M.taskSlice.name, byStrategy);
  // The app's own loop: the queue worker's stalls are not the app's.
  const stalls = stallCounters(app);
  if (stalls) sample.stalls = stalls;
  return sample;
}
