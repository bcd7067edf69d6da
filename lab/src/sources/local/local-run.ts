import type { RawRun, RawStrategyRun, RequestRecord, Role } from '../../model.js';
import { percentileInterval, sortNumbers, summarize } from '../../stats/percentiles.js';
import { perSecond } from '../../stats/series.js';
import type {
  CellMeasurements,
  ClientView,
  LatencyFigures,
  RunMeasurements,
} from '../measurements.js';

/**
 * The local source: what the runner itself recorded (raw.json), every request vegeta sent and
 * the app's /metrics scraped about once a second, as the report builder reads it.
 */

/** The local sampler scrapes once a second (sources/local/metrics-sampler.ts). */
const SAMPLER_INTERVAL_MS = 1000;

export function localMeasurements(raw: RawRun): RunMeasurements {
  return {
    source: 'local',
    config: raw.config,
    environment: raw.environment,
    // The run's own date, so a report rebuilt from raw.json is identical to the first one.
    createdAt: raw.finishedAt,
    cells: raw.runs.map((run) => cellMeasurements(run, raw.config.probeRate)),
  };
}

/** One cell's measurements; the app's figures span its first to its last scrape. */
export function cellMeasurements(run: RawStrategyRun, probeRate: number): CellMeasurements {
  const first = run.samples[0];
  const last = run.samples.at(-1);
  return {
    cell: {
      target: run.target,
      strategy: run.strategy,
      workload: run.workload,
      instrumentation: run.instrumentation,
    },
    app: {
      samples: run.samples,
      from: first?.t ?? 0,
      to: last?.t ?? 0,
      scrapeIntervalMs: SAMPLER_INTERVAL_MS,
      ...(run.recognised !== undefined ? { recognised: run.recognised } : {}),
    },
    client: recordsView(run, probeRate),
    ...(run.stalls
      ? { stalls: { stalls: run.stalls, phaseStartMs: Date.parse(run.startedAt) } }
      : {}),
  };
}

/** Exact percentiles of the recorded latencies, with their 95 % confidence intervals. */
function latencyOf(records: readonly RequestRecord[]): LatencyFigures {
  const summary = summarize(records.map((record) => record.latencyMs));
  const sorted = sortNumbers(records.map((record) => record.latencyMs));
  return {
    p50: summary.p50,
    p90: summary.p90,
    p95: summary.p95,
    p99: summary.p99,
    max: summary.max,
    ranges: {
      p50: percentileInterval(sorted, 0.5),
      p95: percentileInterval(sorted, 0.95),
      p99: percentileInterval(sorted, 0.99),
    },
    rangeKind: 'ci95',
  };
}

function recordsView(run: RawStrategyRun, probeRate: number): ClientView {
  const of = (role: Role) => run.requests.filter((record) => record.role === role);
  const probes = of('probe');
  const triggers = of('trigger');
  return {
    seconds: run.elapsedMs > 0 ? run.elapsedMs / 1000 : Number.NaN,
    expected: run.expected,
    sent: { probe: probes.length, trigger: triggers.length },
    answered: (role, accepts) => of(role).filter((record) => accepts(record.status)).length,
    latency: (role) => latencyOf(role === 'probe' ? probes : triggers),
    // One point per second of sending; answers that arrive after the end belong to the last second.
    probeSeconds: () =>
      perSecond(run.requests, 'probe', Math.max(1, Math.round(run.expected.probe / probeRate))),
  };
}
