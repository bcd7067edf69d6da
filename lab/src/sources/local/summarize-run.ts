import type { MetricsSample, RawStrategyRun, SeriesPoint, StrategyResult } from '../../model.js';
import { quantileFromBuckets } from '../../stats/histogram.js';
import { summarize } from '../../stats/percentiles.js';
import { perSecond } from '../../stats/series.js';

/**
 * The local source: one strategy's numbers from what the runner itself recorded (raw.json):
 * every request vegeta sent, and the app's /metrics scraped about once a second.
 */

const TRIGGER_ACCEPTED = new Set([200, 202]);

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
    lagMaxMs: Math.max(...windowsInsidePhase(samples).map((sample) => sample.lagWindowMaxMs)),
    utilization:
      seconds > 0 ? (last.eluActiveSeconds - first.eluActiveSeconds) / seconds : Number.NaN,
  };
}

/**
 * The samples whose max-delay window lies inside the measured phase: the gauge remembers the
 * last few seconds, which at the start of a phase belong to the warm-up or, on an app that is
 * not restarted between strategies, to the previous strategy. The first sample only anchors the
 * counters. When the phase is shorter than the window, every later sample is used (an upper bound).
 */
function windowsInsidePhase(samples: MetricsSample[]): MetricsSample[] {
  const later = samples.slice(1);
  const inside = later.filter((sample) => sample.t >= (sample.lagWindowS ?? 0) * 1000);
  return inside.length > 0 ? inside : later;
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

/** Everything about one strategy except the ratios, which need the baseline. */
export function summarizeRun(run: RawStrategyRun): Omit<StrategyResult, 'ratios'> {
  const probes = run.requests.filter((record) => record.role === 'probe');
  const triggers = run.requests.filter((record) => record.role === 'trigger');
  const probeLatency = summarize(probes.map((record) => record.latencyMs));
  const triggerLatency = summarize(triggers.map((record) => record.latencyMs));
  const okProbes = probes.filter((record) => record.status === 200).length;
  const accepted = triggers.filter((record) => TRIGGER_ACCEPTED.has(record.status)).length;
  const rejected = triggers.filter((record) => record.status === 503).length;
  return {
    strategy: run.strategy,
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
    const inWindow = windowsInsidePhase(run.samples).filter(
      (sample) => sample.t >= from && sample.t < to,
    );
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
      lagMaxMs:
        inWindow.length > 0 ? Math.max(...inWindow.map((sample) => sample.lagWindowMaxMs)) : null,
      utilization,
      queueDepth: lastInWindow?.queueDepth ?? null,
      inFlight: lastInWindow?.inFlight ?? null,
    };
  });
}
