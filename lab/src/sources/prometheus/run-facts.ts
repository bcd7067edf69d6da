import { METRICS, metricsOf, type Runtime, sampleNames, WORKLOAD_KINDS } from '@looplab/contract';
import type { Environment, Role, RunConfig, WorkloadKind } from '../../model.js';
import { clientLabels } from './client-view.js';
import type { FoundRun, MeasurePhase } from './phases.js';
import type { SeriesSet } from './series.js';

/**
 * How a run was configured and where it ran, as far as Prometheus can tell: the rates from the
 * load generator's target-rate gauge, the workload from the tasks that ran, the pool size from
 * the pool gauges, the Node version from prom-client's default collector. The rest is unknown.
 */

const M = METRICS;

/** The load generator's series: every loadgen metric of the contract. */
export const CLIENT_METRICS: readonly string[] = metricsOf('loadgen').flatMap(sampleNames);

/**
 * prom-client's default collector, not looplab's (so not in the contract): the Node version for
 * the report's environment.
 */
const NODE_VERSION_INFO = 'nodejs_version_info';

/**
 * The app's series: every metric the contract says an app or the queue worker exports, so the
 * builder can never read a name the query did not ask for.
 */
export const APP_METRICS: readonly string[] = [
  ...new Set([...metricsOf('app'), ...metricsOf('worker')].flatMap(sampleNames)),
  NODE_VERSION_INFO,
];

export interface RunSeries {
  testid: string;
  run: FoundRun;
  client: SeriesSet;
  app: SeriesSet | undefined;
  /** The app's instance label, when known. */
  instance: string | undefined;
}

/** The workload label of the tasks that ran during the run's measure phases, if there were any. */
function workloadOf(app: SeriesSet | undefined, phases: MeasurePhase[]): WorkloadKind | undefined {
  if (!app) return undefined;
  const grown = new Map<string, number>();
  for (const phase of phases) {
    for (const series of app.select(M.tasks.name, { strategy: phase.strategy })) {
      const workload = series.labels.workload ?? '';
      const growth = app.counterAt(series, phase.end) - app.counterAt(series, phase.start);
      if (growth > 0) grown.set(workload, (grown.get(workload) ?? 0) + growth);
    }
  }
  const top = [...grown.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return WORKLOAD_KINDS.find((w) => w === top);
}

/**
 * Measured seconds per strategy. A phase is seen by n scrapes, n·interval ≈ its length plus the
 * wait for the last answers, so one interval too long as often as not: the shortest phase that
 * was seen whole is the best guess (all strategies of a run have the same duration).
 */
function durationOf(phases: MeasurePhase[]): number {
  const whole = phases.filter((phase) => !phase.truncated);
  const lengths = (whole.length > 0 ? whole : phases).map((phase) => phase.end - phase.start);
  return lengths.length > 0 ? Math.max(1, Math.round(Math.min(...lengths))) : Number.NaN;
}

/** The target a phase ran against: its label; runs from before the label had only the node app. */
export function targetOf(phase: MeasurePhase): Runtime {
  return phase.target ?? 'node';
}

export function configOf(input: RunSeries, notes: string[]): RunConfig {
  const { run, client, app, testid } = input;
  const phases = run.phases;
  const rate = (role: Role): number => {
    const first = phases[0];
    if (!first) return Number.NaN;
    const values = client
      .gaugeSamples(M.clientTargetRate.name, clientLabels(first, role), first.first, first.last)
      .map(([, v]) => v);
    return values.length > 0 ? Math.max(...values) : Number.NaN;
  };
  const workload = workloadOf(app, phases);
  if (!workload)
    notes.push(
      'workload: no background task ran during the measure phases (or its workload label is unknown); shown as cpu, the runner’s default.',
    );
  const runStart = phases[0]?.start ?? Number.NaN;
  const runEnd = phases.at(-1)?.end ?? Number.NaN;
  // Every pool the app sizes with LOOPLAB_POOL_SIZE reports its workers (the contract says which).
  const workers = (M.poolWorkers.strategies ?? []).flatMap((strategy) =>
    app ? app.gaugeSamples(M.poolWorkers.name, { strategy }, runStart, runEnd) : [],
  );
  notes.push(
    'workloadMs (job size) and timeoutS (client timeout) are not in Prometheus: unknown (null in report.json).',
  );
  return {
    runId: testid,
    strategies: [...new Set(phases.map((phase) => phase.strategy))],
    targets: [...new Set(phases.map(targetOf))],
    workloads: [workload ?? 'cpu'],
    instrumentation: ['on'],
    durationS: durationOf(phases),
    warmupS: Math.round(run.warmupS),
    probeRate: rate('probe'),
    triggerRate: rate('trigger'),
    workload: workload ?? 'cpu',
    workloadMs: Number.NaN,
    poolSize: workers.length > 0 ? Math.max(...workers.map(([, v]) => v)) : Number.NaN,
    timeoutS: Number.NaN,
    testid,
    targetUrl: 'unknown',
  };
}

export function environmentOf(input: RunSeries): Environment {
  const versions = input.app?.select(NODE_VERSION_INFO) ?? [];
  const node = versions.at(-1)?.labels.version;
  return {
    node: node ?? 'unknown',
    platform: 'unknown',
    cpuModel: 'unknown',
    cores: Number.NaN,
    totalMemoryGiB: Number.NaN,
    loadGenerator: { name: 'vegeta (via Prometheus)', version: 'unknown' },
    pinning: { app: null, load: null, offLoop: null },
    hostname: input.instance ?? 'unknown',
  };
}
