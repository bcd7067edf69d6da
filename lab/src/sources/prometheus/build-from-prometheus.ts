import {
  METRICS,
  type MetricDefinition,
  metricsOf,
  type Runtime,
  sampleNames,
  WORKLOAD_KINDS,
} from '@looplab/contract';
import type {
  Environment,
  Role,
  RunConfig,
  SeriesPoint,
  Strategy,
  StrategyCosts,
  StrategyResult,
  WorkloadKind,
} from '../../model.js';
import type { ReportParts } from '../../report/assemble.js';
import { acceptedStatus, REJECTED_STATUS } from '../../report/rules/trigger-acceptance.js';
import { type LagReading, windowMax } from '../../report/rules/window-max.js';
import { quantileFromBuckets } from '../../stats/histogram.js';
import type { FoundRun, MeasurePhase } from './phases.js';
import { highestBucketBound, type Labels, type SeriesSet } from './series.js';

/**
 * A Report's numbers from the raw samples Prometheus kept of one run: the load generator's
 * client metrics (labelled with testid and strategy) and the app's metrics (no run labels,
 * attributed to a strategy by the time span of its measure phase). Pure: the queries are
 * made by collect.ts.
 *
 * Client counters are read at the estimated phase start (interpolated between scrapes) and
 * right after the phase (they do not move once a strategy's attacks are over), app counters at
 * the estimated start and end. Percentiles come from the bucket increases with the same
 * interpolation as PromQL's histogram_quantile (stats/histogram.ts).
 */

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

const M = METRICS;

/** The target label to match a phase's client series on (none for runs from before it existed). */
const targetOf = (phase: MeasurePhase): { target?: Runtime } =>
  phase.target ? { target: phase.target } : {};
const bucketsOf = (metric: MetricDefinition): string => `${metric.name}_bucket`;
/** A bucket "has observations" over a whole phase when it holds at least half a request. */
const MIN_COUNT_PHASE = 0.5;
/** Within one second, interpolated counts are fractions of a scrape interval's observations. */
const MIN_COUNT_SECOND = 0.05;

export interface BuildInput {
  testid: string;
  run: FoundRun;
  client: SeriesSet;
  /** The app's series (one instance); undefined when Prometheus has none for the run. */
  app: SeriesSet | undefined;
  /** The app's instance label, when known. */
  instance: string | undefined;
  /** Seconds the app's window-max gauge remembers a delay (LOOPLAB_EVENT_LOOP_WINDOW_S). */
  eventLoopWindowS: number;
}

export interface BuildOutput {
  parts: ReportParts;
  /** What could not be known or is only approximate, for prometheus.json and the console. */
  notes: string[];
}

const ms = (seconds: number): number => seconds * 1000;
const nullable = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Per-le increase of a client histogram over the phase: read at start, and after the phase. */
function clientIncrease(
  client: SeriesSet,
  phase: MeasurePhase,
  name: string,
  match: Labels,
): Array<[number, number]> {
  const after = client.buckets(name, match, (series) => client.counterAfter(series, phase.last));
  const before = new Map(
    client.buckets(name, match, (series) => client.counterAt(series, phase.start)),
  );
  return after.map(([le, count]) => [le, Math.max(0, count - (before.get(le) ?? 0))]);
}

function clientCount(
  client: SeriesSet,
  phase: MeasurePhase,
  name: string,
  match: Labels,
  at: number = phase.start,
): number {
  return Math.max(
    0,
    client.sum(name, match, (series) => client.counterAfter(series, phase.last)) -
      client.sum(name, match, (series) => client.counterAt(series, at)),
  );
}

function quantileMs(increases: Array<[number, number]>, q: number): number {
  return ms(quantileFromBuckets([], increases, q));
}

function probeAndTrigger(
  client: SeriesSet,
  phase: MeasurePhase,
): Pick<StrategyResult, 'probe' | 'trigger' | 'droppedIterations'> {
  const seconds = phase.end - phase.start;
  const labels = (role: Role): Labels => ({ ...targetOf(phase), strategy: phase.strategy, role });
  const latency = (role: Role) =>
    clientIncrease(client, phase, bucketsOf(M.clientDuration), labels(role));
  const requests = (role: Role, status?: string) =>
    Math.round(
      clientCount(client, phase, M.clientRequests.name, {
        ...labels(role),
        ...(status === undefined ? {} : { status }),
      }),
    );
  // The runner adds a phase's dropped requests when the phase ends, before the next one starts:
  // read from the first scrape of the phase, the warm-up's drops are already in.
  const dropped = (role: Role) =>
    Math.round(clientCount(client, phase, M.clientDropped.name, labels(role), phase.first));

  const probeBuckets = latency('probe');
  const probes = requests('probe');
  const okProbes = requests('probe', '200');
  const triggerBuckets = latency('trigger');
  const sent = requests('trigger');
  const accepted = requests('trigger', String(acceptedStatus(phase.strategy)));
  const rejected = requests('trigger', String(REJECTED_STATUS));
  const droppedTrigger = dropped('trigger');
  return {
    probe: {
      count: probes,
      throughputRps: seconds > 0 ? okProbes / seconds : Number.NaN,
      p50: quantileMs(probeBuckets, 0.5),
      p90: quantileMs(probeBuckets, 0.9),
      p95: quantileMs(probeBuckets, 0.95),
      p99: quantileMs(probeBuckets, 0.99),
      max: ms(highestBucketBound(probeBuckets, MIN_COUNT_PHASE)),
      errors: Math.max(0, probes - okProbes),
    },
    trigger: {
      expected: sent + droppedTrigger,
      sent,
      accepted,
      rejected,
      errors: Math.max(0, sent - accepted - rejected),
      p50: quantileMs(triggerBuckets, 0.5),
      p99: quantileMs(triggerBuckets, 0.99),
    },
    droppedIterations: dropped('probe') + droppedTrigger,
  };
}

/** Per-le increase of an app histogram between two instants. */
function appIncrease(
  app: SeriesSet,
  name: string,
  match: Labels,
  from: number,
  to: number,
): Array<[number, number]> {
  const before = new Map(app.buckets(name, match, (series) => app.counterAt(series, from)));
  return app
    .buckets(name, match, (series) => app.counterAt(series, to))
    .map(([le, count]) => [le, Math.max(0, count - (before.get(le) ?? 0))]);
}

function appCounterIncrease(
  app: SeriesSet,
  name: string,
  match: Labels,
  from: number,
  to: number,
): number {
  return Math.max(
    0,
    app.sum(name, match, (series) => app.counterAt(series, to)) -
      app.sum(name, match, (series) => app.counterAt(series, from)),
  );
}

/** The window-max gauge's readings in [from, to] as the shared rule reads them. */
function lagReadings(app: SeriesSet, from: number, to: number, windowS: number): LagReading[] {
  return app
    .gaugeSamples(M.eventLoopDelayWindowMax.name, {}, from, to)
    .map(([t, v]) => ({ t, maxMs: ms(v), windowS }));
}

/** Upper bound of the highest delay bucket that filled in (from, to], ms. */
function lagBucketBoundMs(app: SeriesSet, from: number, to: number): number {
  return ms(highestBucketBound(appIncrease(app, bucketsOf(M.eventLoopDelay), {}, from, to), 1e-6));
}

/** Largest event-loop delay during the phase: the shared rule (report/rules/window-max.ts). */
function lagMaxOf(app: SeriesSet, phase: MeasurePhase, windowS: number, notes: string[]): number {
  const max = windowMax(
    { from: phase.start, to: phase.end },
    lagReadings(app, phase.start, phase.end, windowS),
    lagBucketBoundMs(app, phase.start, phase.end),
  );
  if (!max.exact)
    notes.push(
      `${phase.strategy}: the measure phase (${(phase.end - phase.start).toFixed(1)} s) is not longer than the app's event-loop max window (${windowS} s), so its max lag is an upper bound (window max capped by the delay histogram's bucket).`,
    );
  return max.ms;
}

function appResults(
  app: SeriesSet | undefined,
  phase: MeasurePhase,
  windowS: number,
  notes: string[],
): Pick<StrategyResult, 'eventLoop' | 'tasks' | 'probeServer' | 'costs'> {
  if (!app) {
    return {
      probeServer: { p50Ms: Number.NaN, p99Ms: Number.NaN },
      eventLoop: {
        lagP50Ms: Number.NaN,
        lagP99Ms: Number.NaN,
        lagMaxMs: Number.NaN,
        utilization: Number.NaN,
      },
      tasks: {
        completed: 0,
        failed: 0,
        rejected: 0,
        waitP50Ms: Number.NaN,
        waitP95Ms: Number.NaN,
        waitP99Ms: Number.NaN,
        runP50Ms: Number.NaN,
        runP95Ms: Number.NaN,
        runP99Ms: Number.NaN,
      },
    };
  }
  const { start, end, strategy } = phase;
  const lag = appIncrease(app, bucketsOf(M.eventLoopDelay), {}, start, end);
  const active = appCounterIncrease(app, M.eventLoopActive.name, {}, start, end);
  const outcome = (name: string) =>
    Math.round(appCounterIncrease(app, M.tasks.name, { strategy, outcome: name }, start, end));
  const wait = appIncrease(app, bucketsOf(M.taskWait), { strategy }, start, end);
  const run = appIncrease(app, bucketsOf(M.taskRun), { strategy }, start, end);
  const hasSamples = app.scrapedIn(start, end + app.interval);
  const pingServer = appIncrease(
    app,
    bucketsOf(M.httpServerDuration),
    { route: '/ping' },
    start,
    end,
  );
  return {
    probeServer: { p50Ms: quantileMs(pingServer, 0.5), p99Ms: quantileMs(pingServer, 0.99) },
    eventLoop: {
      lagP50Ms: quantileMs(lag, 0.5),
      lagP99Ms: quantileMs(lag, 0.99),
      lagMaxMs: lagMaxOf(app, phase, windowS, notes),
      utilization: hasSamples && end > start ? active / (end - start) : Number.NaN,
    },
    tasks: {
      completed: outcome('done'),
      failed: outcome('failed'),
      rejected: outcome('rejected'),
      waitP50Ms: quantileMs(wait, 0.5),
      waitP95Ms: quantileMs(wait, 0.95),
      waitP99Ms: quantileMs(wait, 0.99),
      runP50Ms: quantileMs(run, 0.5),
      runP95Ms: quantileMs(run, 0.95),
      runP99Ms: quantileMs(run, 0.99),
    },
    ...costsOf(app, phase),
  };
}

const MIB = 2 ** 20;

/** The same costs as the local source reads (sources/local/summarize-run.ts), from Prometheus. */
function costsOf(app: SeriesSet, phase: MeasurePhase): Pick<StrategyResult, 'costs'> {
  const { start, end, strategy } = phase;
  const byStrategy = { strategy };
  const lastGauge = (name: string, match: Labels): number | undefined =>
    app.gaugeSamples(name, match, start, end).at(-1)?.[1];
  const costs: StrategyCosts = {};
  const appMemory = lastGauge(M.processResidentMemory.name, {});
  if (appMemory !== undefined) costs.appMemoryMiB = appMemory / MIB;
  const workers = lastGauge(M.poolWorkers.name, byStrategy);
  if (workers !== undefined) costs.poolWorkers = workers;
  const memory = lastGauge(M.poolWorkerMemory.name, byStrategy);
  if (memory !== undefined) {
    costs.poolMemoryMiB = memory / MIB;
    if (workers) costs.memoryPerWorkerMiB = memory / MIB / workers;
  }
  if (M.queueEnqueue.strategies?.includes(strategy)) {
    const enqueue = appIncrease(app, bucketsOf(M.queueEnqueue), byStrategy, start, end);
    costs.enqueueP50Ms = quantileMs(enqueue, 0.5);
    costs.enqueueP99Ms = quantileMs(enqueue, 0.99);
  }
  if (M.taskSlice.strategies?.includes(strategy)) {
    const slices = appIncrease(app, bucketsOf(M.taskSlice), byStrategy, start, end);
    costs.slices = Math.round(slices.at(-1)?.[1] ?? 0);
    costs.sliceMaxMs = ms(highestBucketBound(slices, 1e-6));
  }
  return Object.keys(costs).length > 0 ? { costs } : {};
}

/**
 * One point per second of the phase, t = 1..N (the window (t − 1, t] s after the estimated
 * start). Probe percentiles over the last max(1 s, scrape interval) of client buckets; the
 * app's gauges from its last scrape in the last max(1 s, its scrape interval); the lag max of a
 * second is the gauge capped by the highest delay bucket that filled in that second (the gauge
 * alone remembers W seconds).
 */
function seriesOf(
  client: SeriesSet,
  app: SeriesSet | undefined,
  phase: MeasurePhase,
  durationS: number,
  windowS: number,
): SeriesPoint[] {
  const { strategy, start } = phase;
  // The run's duration, or less when Prometheus saw only part of this phase.
  const n = Math.max(1, Math.min(durationS, Math.round(phase.end - phase.start)));
  const clientWindow = Math.max(1, Number.isFinite(client.interval) ? client.interval : 1);
  const appWindow = Math.max(1, app && Number.isFinite(app.interval) ? app.interval : 1);
  const probeMatch: Labels = { ...targetOf(phase), strategy, role: 'probe' };
  const probeBuckets = (at: number) =>
    client.buckets(bucketsOf(M.clientDuration), probeMatch, (series) =>
      client.counterAt(series, at),
    );
  const probeIncrease = (from: number, to: number): Array<[number, number]> => {
    const before = new Map(probeBuckets(from));
    return probeBuckets(to).map(([le, count]) => [le, Math.max(0, count - (before.get(le) ?? 0))]);
  };
  const total = (increases: Array<[number, number]>) => increases.at(-1)?.[1] ?? 0;

  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    const to = start + k;
    const second = probeIncrease(to - 1, to);
    const window = clientWindow > 1 ? probeIncrease(to - clientWindow, to) : second;
    const enough = total(window) >= MIN_COUNT_PHASE;
    const quantile = (q: number) => (enough ? nullable(quantileMs(window, q)) : null);
    const point: SeriesPoint = {
      strategy,
      t: k,
      probeCount: Math.round(total(second)),
      probeP50Ms: quantile(0.5),
      probeP95Ms: quantile(0.95),
      probeP99Ms: quantile(0.99),
      probeMaxMs: enough ? nullable(ms(highestBucketBound(window, MIN_COUNT_SECOND))) : null,
      lagMaxMs: null,
      utilization: null,
      queueDepth: null,
      inFlight: null,
    };
    if (!app?.scrapedIn(to - appWindow, to)) return point;
    const lastIn = (name: string, match: Labels): number | null => {
      const samples = app.gaugeSamples(name, match, to - appWindow + 1e-6, to);
      return samples.length > 0 ? (samples.at(-1) as [number, number])[1] : null;
    };
    // The last reading that speaks for this second, capped by the second's own delay buckets.
    const readings = lagReadings(app, to - appWindow + 1e-6, to, windowS).slice(-1);
    point.lagMaxMs = nullable(
      windowMax({ from: to - 1, to }, readings, lagBucketBoundMs(app, to - 1, to)).ms,
    );
    const from = to - appWindow;
    if (from >= app.firstScrape && to <= (app.scrapes.at(-1) ?? 0)) {
      point.utilization = appCounterIncrease(app, M.eventLoopActive.name, {}, from, to) / appWindow;
    }
    point.queueDepth = lastIn(M.taskQueueDepth.name, { strategy }) ?? 0;
    point.inFlight = lastIn(M.tasksInFlight.name, { strategy }) ?? 0;
    return point;
  });
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

/** The run's target label values, when its phases had them. */
function targetsOf(phases: MeasurePhase[]): Pick<RunConfig, 'targets'> {
  const targets = [...new Set(phases.flatMap((phase) => (phase.target ? [phase.target] : [])))];
  return targets.length > 0 ? { targets } : {};
}

function configOf(input: BuildInput, notes: string[]): RunConfig {
  const { run, client, app, testid } = input;
  const phases = run.phases;
  const rate = (role: Role): number => {
    const first = phases[0];
    if (!first) return Number.NaN;
    const values = client
      .gaugeSamples(
        M.clientTargetRate.name,
        { ...targetOf(first), strategy: first.strategy, role },
        first.first,
        first.last,
      )
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
  const threads = app
    ? app.gaugeSamples(M.poolWorkers.name, { strategy: 'pooled' }, runStart, runEnd)
    : [];
  notes.push(
    'workloadMs (job size) and timeoutS (client timeout) are not in Prometheus: unknown (null in report.json).',
  );
  return {
    runId: testid,
    strategies: phases.map((phase) => phase.strategy),
    ...targetsOf(phases),
    durationS: durationOf(phases),
    warmupS: Math.round(run.warmupS),
    probeRate: rate('probe'),
    triggerRate: rate('trigger'),
    workload: workload ?? 'cpu',
    workloadMs: Number.NaN,
    poolSize: threads.length > 0 ? Math.max(...threads.map(([, v]) => v)) : Number.NaN,
    timeoutS: Number.NaN,
    testid,
    targetUrl: 'unknown',
  };
}

function environmentOf(input: BuildInput): Environment {
  const versions = input.app?.select(NODE_VERSION_INFO) ?? [];
  const node = versions.at(-1)?.labels.version;
  return {
    node: node ?? 'unknown',
    platform: 'unknown',
    cpuModel: 'unknown',
    cores: Number.NaN,
    totalMemoryGiB: Number.NaN,
    loadGenerator: { name: 'vegeta (via Prometheus)', version: 'unknown' },
    pinning: { app: null, load: null },
    hostname: input.instance ?? 'unknown',
  };
}

export function buildFromPrometheus(input: BuildInput): BuildOutput {
  const notes: string[] = [];
  const results = input.run.phases.map(
    (phase): Omit<StrategyResult, 'ratios'> => ({
      strategy: phase.strategy as Strategy,
      ...targetOf(phase),
      ...probeAndTrigger(input.client, phase),
      ...appResults(input.app, phase, input.eventLoopWindowS, notes),
    }),
  );
  const config = configOf(input, notes);
  const series = input.run.phases.map((phase) =>
    seriesOf(input.client, input.app, phase, config.durationS, input.eventLoopWindowS),
  );
  const runEnd = input.run.phases.at(-1)?.end ?? Date.now() / 1000;
  return {
    parts: {
      config,
      environment: environmentOf(input),
      results,
      series,
      createdAt: new Date(Math.round(runEnd * 1000)).toISOString(),
      source: 'prometheus',
    },
    notes,
  };
}
