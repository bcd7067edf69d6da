import type {
  MetricsSample,
  RawStrategyRun,
  SeriesPoint,
  StrategyCosts,
  StrategyResult,
} from '../../model.js';
import { triggerOutcome } from '../../report/rules/trigger-acceptance.js';
import { type LagReading, windowMax } from '../../report/rules/window-max.js';
import { bucketIncrease, highestBucketBound, quantileFromBuckets } from '../../stats/histogram.js';
import { summarize } from '../../stats/percentiles.js';
import { perSecond } from '../../stats/series.js';

/**
 * The local source: one strategy's numbers from what the runner itself recorded (raw.json):
 * every request vegeta sent, and the app's /metrics scraped about once a second.
 */

function eventLoopOf(samples: MetricsSample[]): StrategyResult['eventLoop'] {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || first === last) {
    return {
      lagP50Ms: Number.NaN,
      lagP99Ms: Number.NaN,
      lagMaxMs: Number.NaN,
      utilization: Number.NaN,
    };
  }
  const seconds = (last.t - first.t) / 1000;
  return {
    lagP50Ms: quantileFromBuckets(first.lagBuckets, last.lagBuckets, 0.5) * 1000,
    lagP99Ms: quantileFromBuckets(first.lagBuckets, last.lagBuckets, 0.99) * 1000,
    lagMaxMs: lagMaxIn(samples, 0, Number.POSITIVE_INFINITY),
    utilization:
      seconds > 0 ? (last.eluActiveSeconds - first.eluActiveSeconds) / seconds : Number.NaN,
  };
}

const nullable = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** A sample's window-max gauge as the shared rule reads it (seconds since the phase started). */
function readingOf(sample: MetricsSample): LagReading {
  return { t: sample.t / 1000, maxMs: sample.lagWindowMaxMs, windowS: sample.lagWindowS ?? 0 };
}

/** The last sample taken at or before `t` ms (the first sample when none was). */
function sampleAt(samples: MetricsSample[], t: number): MetricsSample | undefined {
  return samples.filter((sample) => sample.t <= t).at(-1) ?? samples[0];
}

/**
 * Largest event-loop delay in (fromMs, toMs] of the phase (report/rules/window-max.ts): the
 * readings taken in it; the first sample only anchors the counters.
 */
function lagMaxIn(samples: MetricsSample[], fromMs: number, toMs: number): number {
  const taken = samples.slice(1).filter((sample) => sample.t > fromMs && sample.t <= toMs);
  const before = sampleAt(samples, fromMs);
  const after = taken.at(-1);
  const bound =
    before && after
      ? highestBucketBound(bucketIncrease(before.lagBuckets, after.lagBuckets), 1e-6) * 1000
      : Number.NaN;
  const span = { from: fromMs / 1000, to: toMs / 1000 };
  return windowMax(span, taken.map(readingOf), bound).ms;
}

function probeServerOf(samples: MetricsSample[]): StrategyResult['probeServer'] {
  const first = samples[0]?.pingServerBuckets;
  const last = samples.at(-1)?.pingServerBuckets;
  if (!first || !last || samples.length < 2) return { p50Ms: Number.NaN, p99Ms: Number.NaN };
  return {
    p50Ms: quantileFromBuckets(first, last, 0.5) * 1000,
    p99Ms: quantileFromBuckets(first, last, 0.99) * 1000,
  };
}

function tasksOf(samples: MetricsSample[]): StrategyResult['tasks'] {
  const first = samples[0];
  const last = samples.at(-1);
  const quantile = (pick: (sample: MetricsSample) => Array<[number, number]>, q: number) =>
    first && last ? quantileFromBuckets(pick(first), pick(last), q) * 1000 : Number.NaN;
  return {
    completed: first && last ? last.tasksDone - first.tasksDone : 0,
    failed: first && last ? last.tasksFailed - first.tasksFailed : 0,
    rejected: first && last ? last.tasksRejected - first.tasksRejected : 0,
    waitP50Ms: quantile((sample) => sample.waitBuckets, 0.5),
    waitP95Ms: quantile((sample) => sample.waitBuckets, 0.95),
    waitP99Ms: quantile((sample) => sample.waitBuckets, 0.99),
    runP50Ms: quantile((sample) => sample.runBuckets, 0.5),
    runP95Ms: quantile((sample) => sample.runBuckets, 0.95),
    runP99Ms: quantile((sample) => sample.runBuckets, 0.99),
  };
}

const MIB = 2 ** 20;

/**
 * What the strategy costs besides the loop, where its metrics say: the app's and the pool
 * children's memory at the end of the phase, the enqueue time, the slices that ran.
 */
function costsOf(samples: MetricsSample[]): Pick<StrategyResult, 'costs'> {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || first === last) return {};
  const costs: StrategyCosts = {};
  if (last.appMemoryBytes !== undefined) costs.appMemoryMiB = last.appMemoryBytes / MIB;
  if (last.poolWorkers !== undefined) costs.poolWorkers = last.poolWorkers;
  if (last.poolMemoryBytes !== undefined) {
    costs.poolMemoryMiB = last.poolMemoryBytes / MIB;
    if (last.poolWorkers) costs.memoryPerWorkerMiB = last.poolMemoryBytes / MIB / last.poolWorkers;
  }
  if (first.enqueueBuckets && last.enqueueBuckets) {
    costs.enqueueP50Ms = quantileFromBuckets(first.enqueueBuckets, last.enqueueBuckets, 0.5) * 1000;
    costs.enqueueP99Ms =
      quantileFromBuckets(first.enqueueBuckets, last.enqueueBuckets, 0.99) * 1000;
  }
  if (first.sliceBuckets && last.sliceBuckets) {
    const increase = bucketIncrease(first.sliceBuckets, last.sliceBuckets);
    costs.slices = increase.at(-1)?.[1] ?? 0;
    costs.sliceMaxMs = highestBucketBound(increase, 1e-6) * 1000;
  }
  return Object.keys(costs).length > 0 ? { costs } : {};
}

/** Everything about one strategy except the ratios, which need the baseline. */
export function summarizeRun(run: RawStrategyRun): Omit<StrategyResult, 'ratios'> {
  const probes = run.requests.filter((record) => record.role === 'probe');
  const triggers = run.requests.filter((record) => record.role === 'trigger');
  const probeLatency = summarize(probes.map((record) => record.latencyMs));
  const triggerLatency = summarize(triggers.map((record) => record.latencyMs));
  const okProbes = probes.filter((record) => record.status === 200).length;
  const outcomes = triggers.map((record) => triggerOutcome(run.strategy, record.status));
  const accepted = outcomes.filter((outcome) => outcome === 'accepted').length;
  const rejected = outcomes.filter((outcome) => outcome === 'rejected').length;
  return {
    strategy: run.strategy,
    ...(run.target ? { target: run.target } : {}),
    ...(run.workload ? { workload: run.workload } : {}),
    ...(run.instrumentation ? { instrumentation: run.instrumentation } : {}),
    probe: {
      ...probeLatency,
      throughputRps: run.elapsedMs > 0 ? okProbes / (run.elapsedMs / 1000) : Number.NaN,
      errors: probes.length - okProbes,
    },
    trigger: {
      expected: run.expected.trigger,
      sent: triggers.length,
      accepted,
      rejected,
      errors: triggers.length - accepted - rejected,
      p50: triggerLatency.p50,
      p99: triggerLatency.p99,
    },
    droppedIterations: Math.max(
      0,
      run.expected.probe + run.expected.trigger - probes.length - triggers.length,
    ),
    probeServer: probeServerOf(run.samples),
    eventLoop: eventLoopOf(run.samples),
    tasks: tasksOf(run.samples),
    ...costsOf(run.samples),
  };
}

/** Per second: client-side probe percentiles next to what the app's metrics said. */
export function seriesOf(run: RawStrategyRun, probeRate: number): SeriesPoint[] {
  // One point per second of sending; answers that arrive after the end belong to the last second.
  const probes = perSecond(
    run.requests,
    'probe',
    Math.max(1, Math.round(run.expected.probe / probeRate)),
  );
  return probes.map((window, index) => {
    const from = index * 1000;
    const to = from + 1000;
    const inWindow = run.samples.slice(1).filter((sample) => sample.t > from && sample.t <= to);
    const lastInWindow = inWindow.at(-1);
    let utilization: number | null = null;
    if (lastInWindow) {
      const previous = run.samples[run.samples.indexOf(lastInWindow) - 1];
      if (previous && lastInWindow.t > previous.t) {
        utilization =
          (lastInWindow.eluActiveSeconds - previous.eluActiveSeconds) /
          ((lastInWindow.t - previous.t) / 1000);
      }
    }
    return {
      strategy: run.strategy,
      t: window.t,
      probeCount: window.count,
      probeP50Ms: window.p50,
      probeP95Ms: window.p95,
      probeP99Ms: window.p99,
      probeMaxMs: window.max,
      lagMaxMs: nullable(lagMaxIn(run.samples, from, to)),
      utilization,
      queueDepth: lastInWindow?.queueDepth ?? null,
      inFlight: lastInWindow?.inFlight ?? null,
    };
  });
}
