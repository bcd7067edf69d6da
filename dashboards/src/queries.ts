/**
 * Every PromQL expression the dashboards use, in one place.
 *
 * The dashboards import from here and nothing else writes PromQL, so a test (or a validator
 * running against a real Prometheus) can iterate over `ALL_QUERIES`. Grafana variables stay in
 * the text ($target, $instance, $testid, $__rate_interval, ...); `substituteVariables` in
 * extract.ts replaces them for promtool or a real query. Metric names, strategies and defaults
 * come from the contract (@looplab/contract); a test checks every name used here against it.
 *
 * Sources of data:
 * - a target app: its Prometheus scrape job is named after its runtime (job "node" or
 *   "fastapi", stack/prometheus/prometheus.yml), so `$target` picks the app. The Node app's
 *   queue worker is a second target of job "node". No run or strategy labels on the event-loop
 *   and HTTP series; the task, pool and queue series carry `strategy`.
 * - the load generator (job "loadgen", the `looplab compare` process while it runs):
 *   looplab_client_* {testid, target, strategy, role[, status]} and looplab_run_phase {testid,
 *   target, strategy, phase} = 1 while that phase runs (absent otherwise).
 *
 * Attributing app series to a strategy: the compare runner runs one strategy at a time, so the
 * strategy that was loading the app at time t is the one whose looplab_run_phase series is
 * present at t. Joins below multiply an app series (no labels left after max()) by that
 * 0-or-1 series: `app * on() group_right() phase` keeps the phase's labels (testid, strategy)
 * and the app's value, and is empty while no phase runs.
 */
import { APP_DEFAULTS, BASELINE_STRATEGY, METRICS, type MetricKey } from '@looplab/contract';

/** Every series of the chosen target app: the API process and, for Node, its queue worker. */
const TARGET = 'job=~"$target"';
/**
 * The app process itself. $instance is single-valued (event-loop series of two processes do
 * not add up); =~ anyway, so a validator can substitute ".*".
 */
const APP = `${TARGET}, instance=~"$instance"`;
/** Runs and strategies chosen on the time-series dashboards (multi-value, All = .*). */
const RUNS = 'testid=~"$testid", target=~"$target", strategy=~"$strategy"';
/** One or two runs on the comparison dashboard ($testid_b is "none" when unused). */
const PAIR = 'testid=~"$testid|$testid_b", target=~"$target"';

/** The one spelling of a metric's name (a histogram's, without _bucket/_sum/_count). */
const m = (key: MetricKey): string => METRICS[key].name;

/** Matcher for the strategies that produce a metric (contract: the metric's `strategies`). */
const strategyMatcher = (key: MetricKey): string => {
  const list = METRICS[key].strategies;
  if (!list) throw new Error(`metric ${key} lists no strategies in the contract`);
  return list.length === 1 ? `strategy="${list[0]}"` : `strategy=~"${list.join('|')}"`;
};

/** The strategies of a per-strategy feature (pool, queue, chunks), as the contract lists them. */
export const POOL_STRATEGIES = METRICS.poolWorkers.strategies ?? [];
export const QUEUE_STRATEGIES = METRICS.queueJobs.strategies ?? [];
export const CHUNKED_STRATEGIES = METRICS.taskSlice.strategies ?? [];

/**
 * Seconds the app's window-max gauge remembers a stall (LOOPLAB_EVENT_LOOP_WINDOW_S). A
 * strategy's measure phase is only attributed the gauge once it has run this long, so the
 * previous strategy's last stall cannot leak into it.
 */
export const EVENT_LOOP_WINDOW_S = APP_DEFAULTS.LOOPLAB_EVENT_LOOP_WINDOW_S;

export type Quantile = 0.5 | 0.95 | 0.99;
export const QUANTILES: readonly Quantile[] = [0.5, 0.95, 0.99];
export const quantileLabel = (q: Quantile): string => `p${Math.round(q * 100)}`;

// ---------------------------------------------------------------------------------------------
// Event loop (target app, main thread)
// ---------------------------------------------------------------------------------------------

/** Event-loop delay quantile from the cumulative histogram (resolution already subtracted). */
export const eventLoopDelayQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${m('eventLoopDelay')}_bucket{${APP}}[$__rate_interval])))`;

/** Exact largest delay: the app's sliding-window max, maxed again over the panel's window. */
export const EVENT_LOOP_DELAY_MAX = `max(max_over_time(${m('eventLoopDelayWindowMax')}{${APP}}[$__rate_interval]))`;

/** Stalls (samples) longer than 50 ms per second: quantiles hide them, this does not. */
export const EVENT_LOOP_STALLS_OVER_50MS = `sum(rate(${m('eventLoopDelay')}_count{${APP}}[$__rate_interval])) - sum(rate(${m('eventLoopDelay')}_bucket{${APP}, le="0.05"}[$__rate_interval]))`;

/**
 * Stalls the app counted (the loop did not turn for longer than its stall threshold), by class:
 * the share of wall time spent stalled (stalled seconds per second, 0..1) and stalls per second.
 */
export const EVENT_LOOP_STALLED_SHARE_BY_CLASS = `sum by (class) (rate(${m('eventLoopStalledSeconds')}{${APP}}[$__rate_interval]))`;
export const EVENT_LOOP_STALLS_BY_CLASS = `sum by (class) (rate(${m('eventLoopStalls')}{${APP}}[$__rate_interval]))`;

/** Event-loop utilization 0..1 (share of wall time the main loop was busy). */
export const EVENT_LOOP_UTILIZATION = `sum(rate(${m('eventLoopActive')}{${APP}}[$__rate_interval]))`;

/** CPU of the whole process (main thread + worker threads), in cores. */
export const PROCESS_CPU_CORES = `sum(rate(${m('processCpu')}{${APP}}[$__rate_interval]))`;

/**
 * Phase series of the chosen runs' measure phases, kept only once the phase has run for
 * EVENT_LOOP_WINDOW_S (the `offset` copy must be present too), labels (testid, strategy).
 */
const settledMeasurePhase = (runs: string): string =>
  `(max by (testid, strategy) (${m('runPhase')}{${runs}, phase="measure"}) and on(testid, strategy) max by (testid, strategy) (${m('runPhase')}{${runs}, phase="measure"} offset ${EVENT_LOOP_WINDOW_S}s))`;

/** App window-max delay over the step, labelled with the strategy whose measure phase ran. */
const maxDelayJoinedToPhase = (runs: string): string =>
  `max(max_over_time(${m('eventLoopDelayWindowMax')}{${APP}}[$__interval])) * on() group_right() ${settledMeasurePhase(runs)}`;

/** Time series: max event-loop delay by strategy (only while that strategy's measure phase runs). */
export const EVENT_LOOP_DELAY_MAX_BY_STRATEGY = maxDelayJoinedToPhase(RUNS);

// ---------------------------------------------------------------------------------------------
// Probe latency: client side (load generator) and server side (/ping handler)
// ---------------------------------------------------------------------------------------------

/** Client-side latency quantile by strategy for one role, rate over the panel's window. */
export const clientLatencyQuantile = (q: Quantile, role: 'probe' | 'trigger'): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(${m('clientDuration')}_bucket{${RUNS}, role="${role}"}[$__rate_interval])))`;

/** Server-side /ping latency quantile (the probe's series has strategy="none"). */
export const serverPingQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${m('httpServerDuration')}_bucket{${APP}, route="/ping"}[$__rate_interval])))`;

// ---------------------------------------------------------------------------------------------
// Background tasks, pools, the queue and chunks (target app and its worker; strategy is a label)
// ---------------------------------------------------------------------------------------------

export const taskWaitQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(${m('taskWait')}_bucket{${TARGET}, strategy=~"$strategy"}[$__rate_interval])))`;

export const taskRunQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(${m('taskRun')}_bucket{${TARGET}, strategy=~"$strategy"}[$__rate_interval])))`;

export const TASKS_IN_FLIGHT = `sum by (strategy) (${m('tasksInFlight')}{${TARGET}, strategy=~"$strategy"})`;
export const TASK_QUEUE_DEPTH = `sum by (strategy) (${m('taskQueueDepth')}{${TARGET}, strategy=~"$strategy"})`;
export const TASK_OUTCOMES_RATE = `sum by (strategy, outcome) (rate(${m('tasks')}{${TARGET}, strategy=~"$strategy"}[$__rate_interval]))`;

const POOLS = `${APP}, ${strategyMatcher('poolWorkers')}, strategy=~"$strategy"`;
/** The pool's own lifetime utilization (moves slowly: an average since the pool started). */
export const POOL_UTILIZATION_LIFETIME = `max by (strategy) (${m('poolUtilization')}{${POOLS}})`;
/** How busy each pool is now: worker-seconds of work per second over its number of workers. */
export const POOL_BUSY_NOW = `sum by (strategy) (rate(${m('taskRun')}_sum{${POOLS}}[$__rate_interval])) / on(strategy) max by (strategy) (${m('poolWorkers')}{${POOLS}})`;
export const POOL_WORKERS = `max by (strategy) (${m('poolWorkers')}{${POOLS}})`;
/** Workers that exited (crashed or were destroyed) per interval; the pool replaces them. */
export const POOL_WORKER_EXITS = `sum by (strategy) (increase(${m('poolWorkerExits')}{${POOLS}}[$__rate_interval]))`;
export const POOL_QUEUE_SIZE = `max by (strategy) (${m('poolQueueSize')}{${POOLS}})`;
/** Resident memory of the process pool's children, summed, next to the app's own. */
export const POOL_WORKER_MEMORY = `max by (strategy) (${m('poolWorkerMemory')}{${APP}, ${strategyMatcher('poolWorkerMemory')}, strategy=~"$strategy"})`;
export const APP_RESIDENT_MEMORY = `max(${m('processResidentMemory')}{${APP}})`;

/** BullMQ jobs by state, read from Redis by the queue worker at scrape time. */
export const QUEUE_JOBS_BY_STATE = `max by (state) (${m('queueJobs')}{${TARGET}})`;
/** Time the API spends durably enqueueing a job before it answers 202. */
export const queueEnqueueQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${m('queueEnqueue')}_bucket{${APP}, ${strategyMatcher('queueEnqueue')}}[$__rate_interval])))`;
/** The queue worker's task wait (enqueue to start) and run time. */
export const queueWorkerQuantile = (q: Quantile, what: 'wait' | 'run'): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${m(what === 'wait' ? 'taskWait' : 'taskRun')}_bucket{${TARGET}, ${strategyMatcher('queueJobs')}}[$__rate_interval])))`;

/** Slices of the chunked strategy: length quantiles and slices per second. */
export const chunkSliceQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${m('taskSlice')}_bucket{${APP}, ${strategyMatcher('taskSlice')}}[$__rate_interval])))`;
export const CHUNK_SLICES_PER_SECOND = `sum(rate(${m('taskSlice')}_count{${APP}, ${strategyMatcher('taskSlice')}}[$__rate_interval]))`;

// ---------------------------------------------------------------------------------------------
// Load generator (client side, per run)
// ---------------------------------------------------------------------------------------------

export const CLIENT_TARGET_RATE = `sum by (strategy, role) (${m('clientTargetRate')}{${RUNS}})`;
export const CLIENT_ACHIEVED_RATE = `sum by (strategy, role) (rate(${m('clientRequests')}{${RUNS}}[$__rate_interval]))`;
export const CLIENT_IN_FLIGHT = `sum by (strategy, role) (${m('clientInFlight')}{${RUNS}})`;
export const CLIENT_RATE_BY_STATUS = `sum by (strategy, role, status) (rate(${m('clientRequests')}{${RUNS}}[$__rate_interval]))`;
/** Transport errors (status "0") and 5xx answers. */
export const CLIENT_FAILURE_RATE = `sum by (strategy, role, status) (rate(${m('clientRequests')}{${RUNS}, status=~"0|5.."}[$__rate_interval]))`;
export const CLIENT_FAILURE_RATIO = `sum by (strategy, role) (rate(${m('clientRequests')}{${RUNS}, status=~"0|5.."}[$__rate_interval])) / sum by (strategy, role) (rate(${m('clientRequests')}{${RUNS}}[$__rate_interval]))`;
/**
 * Dropped requests so far (cumulative). The runner adds a phase's drops in one step when the
 * phase ends and creates the series only then, so rate()/increase() would miss the first
 * step; plot the counter itself.
 */
export const CLIENT_DROPPED_CUMULATIVE = `sum by (strategy, role) (${m('clientDropped')}{${RUNS}})`;
export const RUN_PHASES = `max by (strategy, phase) (${m('runPhase')}{${RUNS}})`;

// Stats over the dashboard's time range (instant queries).
export const RANGE_REQUESTS = `sum(increase(${m('clientRequests')}{${RUNS}}[$__range]))`;
export const RANGE_FAILURES = `sum(increase(${m('clientRequests')}{${RUNS}, status=~"0|5.."}[$__range])) or vector(0)`;
export const RANGE_DROPPED = `sum(max_over_time(${m('clientDropped')}{${RUNS}}[$__range])) or vector(0)`;
export const rangeProbeQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (increase(${m('clientDuration')}_bucket{${RUNS}, role="probe"}[$__range])))`;

// ---------------------------------------------------------------------------------------------
// Strategy comparison: numbers over each strategy's measure phase (instant queries)
// ---------------------------------------------------------------------------------------------

const MEASURE_PAIR = `${m('runPhase')}{${PAIR}, phase="measure"}`;
const SUBQUERY = '[$__range:$__interval]';

/**
 * How much a counter grew during the measure phases of the selected runs, per series.
 *
 * Client counters only grow while their strategy runs (warm-up, then measure). Keeping the
 * counter's samples while its own measure phase is present (`and on(testid, strategy)`) and
 * taking max - min over the range gives the growth during measure only, without warm-up and
 * without increase()'s extrapolation. Error: up to one scrape interval plus one subquery step at
 * each end of the phase (keep the loadgen scrape interval short, e.g. 1-5 s).
 */
export const measureIncrease = (counterSelector: string): string => {
  const during = `(${counterSelector} and on(testid, strategy) ${MEASURE_PAIR})`;
  return `(max_over_time(${during}${SUBQUERY}) - min_over_time(${during}${SUBQUERY}))`;
};

/**
 * Same for an app counter without run labels: a scalar-like expression (no labels) joined to the
 * phase series by time, so the growth is attributed to (testid, strategy).
 */
const appMeasureIncrease = (unlabelledAppCounter: string): string => {
  const during = `(${unlabelledAppCounter} * on() group_right() max by (testid, strategy) (${MEASURE_PAIR}))`;
  return `(max_over_time(${during}${SUBQUERY}) - min_over_time(${during}${SUBQUERY}))`;
};

const probeBuckets = (extra = ''): string =>
  `${m('clientDuration')}_bucket{${PAIR}, role="probe"${extra}}`;

/** Client probe quantile over each strategy's measure phase, by (testid, strategy). */
export const measureProbeQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, testid, strategy) ${measureIncrease(probeBuckets())})`;

/**
 * Ratio of each strategy's measure-phase probe quantile to the baseline strategy's (async) of the
 * same run. Many strategies (left) per run to one baseline (right): `/ on(testid) group_left()`.
 */
export const measureProbeQuantileRatioToAsync = (q: Quantile): string =>
  `${measureProbeQuantile(q)} / on(testid) group_left() histogram_quantile(${q}, sum by (le, testid) ${measureIncrease(probeBuckets(`, strategy="${BASELINE_STRATEGY}"`))})`;

/**
 * Largest event-loop delay per strategy during its measure phase: the app's window max joined to
 * the phase by time, skipping the first EVENT_LOOP_WINDOW_S s of the phase (see above), maxed
 * over the range.
 */
export const MEASURE_MAX_EVENT_LOOP_DELAY = `max by (testid, strategy) (max_over_time((${maxDelayJoinedToPhase(PAIR)})${SUBQUERY}))`;

/** Event-loop samples longer than 50 ms during each strategy's measure phase. */
export const MEASURE_STALLS_OVER_50MS = appMeasureIncrease(
  `(sum(${m('eventLoopDelay')}_count{${APP}}) - sum(${m('eventLoopDelay')}_bucket{${APP}, le="0.05"}))`,
);

/** Probe requests answered (any status) during the measure phase: how many samples p99 rests on. */
export const MEASURE_PROBE_REQUESTS = `sum by (testid, strategy) ${measureIncrease(`${m('clientRequests')}{${PAIR}, role="probe"}`)}`;
/** Probe failures (transport errors, 5xx) during the measure phase. */
export const MEASURE_PROBE_FAILURES = `sum by (testid, strategy) ${measureIncrease(`${m('clientRequests')}{${PAIR}, role="probe", status=~"0|5.."}`)}`;
/** Triggers answered 2xx during the measure phase (for async: /async calls completed). */
export const MEASURE_TRIGGERS_OK = `sum by (testid, strategy) ${measureIncrease(`${m('clientRequests')}{${PAIR}, role="trigger", status=~"2.."}`)}`;

/**
 * Background tasks completed ("done") during each strategy's measure phase, from the app's own
 * counter (it has a strategy label; the phase join picks the run). async runs no tasks.
 */
export const MEASURE_TASKS_DONE = `max by (testid, strategy) (max_over_time((sum by (strategy) (${m('tasks')}{${TARGET}, outcome="done"}) * on(strategy) group_right() max by (testid, strategy) (${MEASURE_PAIR}))${SUBQUERY}) - min_over_time((sum by (strategy) (${m('tasks')}{${TARGET}, outcome="done"}) * on(strategy) group_right() max by (testid, strategy) (${MEASURE_PAIR}))${SUBQUERY}))`;

/** Client probe quantile over time, for both runs (context for the numbers above). */
export const pairProbeQuantileOverTime = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, testid, strategy) (rate(${m('clientDuration')}_bucket{${PAIR}, role="probe"}[$__rate_interval])))`;

// ---------------------------------------------------------------------------------------------
// Annotations and template variables
// ---------------------------------------------------------------------------------------------

/** Run phases as annotation regions: Grafana turns each run of non-zero samples into a region. */
export const runPhaseAnnotation = (phase: 'warmup' | 'measure', runs = RUNS): string =>
  `max by (testid, strategy, phase) (${m('runPhase')}{${runs}, phase="${phase}"})`;
export const PAIR_RUNS = PAIR;

export const VARIABLE_TESTID = `label_values(${m('runPhase')}{target=~"$target"}, testid)`;
export const VARIABLE_STRATEGY = `label_values(${m('runPhase')}{testid=~"$testid", target=~"$target"}, strategy)`;
export const VARIABLE_INSTANCE = `label_values(${m('eventLoopDelay')}_bucket{${TARGET}}, instance)`;

// ---------------------------------------------------------------------------------------------
// Everything, for tests and validators
// ---------------------------------------------------------------------------------------------

export interface NamedQuery {
  name: string;
  expr: string;
  /** 'promql' for panel and annotation queries, 'label_values' for variable queries. */
  kind: 'promql' | 'label_values';
}

const promql = (name: string, expr: string): NamedQuery => ({ name, expr, kind: 'promql' });

/** Every expression above, instantiated with the quantiles and roles the dashboards use. */
export const ALL_QUERIES: readonly NamedQuery[] = [
  ...([0.5, 0.99] as const).map((q) =>
    promql(`eventLoopDelayQuantile(${q})`, eventLoopDelayQuantile(q)),
  ),
  promql('EVENT_LOOP_DELAY_MAX', EVENT_LOOP_DELAY_MAX),
  promql('EVENT_LOOP_STALLS_OVER_50MS', EVENT_LOOP_STALLS_OVER_50MS),
  promql('EVENT_LOOP_STALLED_SHARE_BY_CLASS', EVENT_LOOP_STALLED_SHARE_BY_CLASS),
  promql('EVENT_LOOP_STALLS_BY_CLASS', EVENT_LOOP_STALLS_BY_CLASS),
  promql('EVENT_LOOP_UTILIZATION', EVENT_LOOP_UTILIZATION),
  promql('PROCESS_CPU_CORES', PROCESS_CPU_CORES),
  promql('EVENT_LOOP_DELAY_MAX_BY_STRATEGY', EVENT_LOOP_DELAY_MAX_BY_STRATEGY),
  ...(['probe', 'trigger'] as const).flatMap((role) =>
    QUANTILES.map((q) =>
      promql(`clientLatencyQuantile(${q}, ${role})`, clientLatencyQuantile(q, role)),
    ),
  ),
  ...QUANTILES.map((q) => promql(`serverPingQuantile(${q})`, serverPingQuantile(q))),
  ...([0.5, 0.95] as const).flatMap((q) => [
    promql(`taskWaitQuantile(${q})`, taskWaitQuantile(q)),
    promql(`taskRunQuantile(${q})`, taskRunQuantile(q)),
  ]),
  promql('TASKS_IN_FLIGHT', TASKS_IN_FLIGHT),
  promql('TASK_QUEUE_DEPTH', TASK_QUEUE_DEPTH),
  promql('TASK_OUTCOMES_RATE', TASK_OUTCOMES_RATE),
  promql('POOL_UTILIZATION_LIFETIME', POOL_UTILIZATION_LIFETIME),
  promql('POOL_BUSY_NOW', POOL_BUSY_NOW),
  promql('POOL_WORKERS', POOL_WORKERS),
  promql('POOL_WORKER_EXITS', POOL_WORKER_EXITS),
  promql('POOL_QUEUE_SIZE', POOL_QUEUE_SIZE),
  promql('POOL_WORKER_MEMORY', POOL_WORKER_MEMORY),
  promql('APP_RESIDENT_MEMORY', APP_RESIDENT_MEMORY),
  promql('QUEUE_JOBS_BY_STATE', QUEUE_JOBS_BY_STATE),
  ...([0.5, 0.99] as const).map((q) =>
    promql(`queueEnqueueQuantile(${q})`, queueEnqueueQuantile(q)),
  ),
  ...([0.5, 0.95] as const).flatMap((q) =>
    (['wait', 'run'] as const).map((what) =>
      promql(`queueWorkerQuantile(${q}, ${what})`, queueWorkerQuantile(q, what)),
    ),
  ),
  ...([0.5, 0.99] as const).map((q) => promql(`chunkSliceQuantile(${q})`, chunkSliceQuantile(q))),
  promql('CHUNK_SLICES_PER_SECOND', CHUNK_SLICES_PER_SECOND),
  promql('CLIENT_TARGET_RATE', CLIENT_TARGET_RATE),
  promql('CLIENT_ACHIEVED_RATE', CLIENT_ACHIEVED_RATE),
  promql('CLIENT_IN_FLIGHT', CLIENT_IN_FLIGHT),
  promql('CLIENT_RATE_BY_STATUS', CLIENT_RATE_BY_STATUS),
  promql('CLIENT_FAILURE_RATE', CLIENT_FAILURE_RATE),
  promql('CLIENT_FAILURE_RATIO', CLIENT_FAILURE_RATIO),
  promql('CLIENT_DROPPED_CUMULATIVE', CLIENT_DROPPED_CUMULATIVE),
  promql('RUN_PHASES', RUN_PHASES),
  promql('RANGE_REQUESTS', RANGE_REQUESTS),
  promql('RANGE_FAILURES', RANGE_FAILURES),
  promql('RANGE_DROPPED', RANGE_DROPPED),
  ...QUANTILES.map((q) => promql(`rangeProbeQuantile(${q})`, rangeProbeQuantile(q))),
  ...QUANTILES.map((q) => promql(`measureProbeQuantile(${q})`, measureProbeQuantile(q))),
  ...QUANTILES.map((q) =>
    promql(`measureProbeQuantileRatioToAsync(${q})`, measureProbeQuantileRatioToAsync(q)),
  ),
  promql('MEASURE_MAX_EVENT_LOOP_DELAY', MEASURE_MAX_EVENT_LOOP_DELAY),
  promql('MEASURE_STALLS_OVER_50MS', MEASURE_STALLS_OVER_50MS),
  promql('MEASURE_PROBE_REQUESTS', MEASURE_PROBE_REQUESTS),
  promql('MEASURE_PROBE_FAILURES', MEASURE_PROBE_FAILURES),
  promql('MEASURE_TRIGGERS_OK', MEASURE_TRIGGERS_OK),
  promql('MEASURE_TASKS_DONE', MEASURE_TASKS_DONE),
  ...([0.5, 0.99] as const).map((q) =>
    promql(`pairProbeQuantileOverTime(${q})`, pairProbeQuantileOverTime(q)),
  ),
  promql('runPhaseAnnotation(warmup)', runPhaseAnnotation('warmup')),
  promql('runPhaseAnnotation(measure)', runPhaseAnnotation('measure')),
  promql('runPhaseAnnotation(warmup, pair)', runPhaseAnnotation('warmup', PAIR)),
  promql('runPhaseAnnotation(measure, pair)', runPhaseAnnotation('measure', PAIR)),
  { name: 'VARIABLE_TESTID', expr: VARIABLE_TESTID, kind: 'label_values' },
  { name: 'VARIABLE_STRATEGY', expr: VARIABLE_STRATEGY, kind: 'label_values' },
  { name: 'VARIABLE_INSTANCE', expr: VARIABLE_INSTANCE, kind: 'label_values' },
];
