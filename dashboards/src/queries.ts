/**
 * Every PromQL expression the dashboards use, in one place.
 *
 * The dashboards import from here and nothing else writes PromQL, so a test (or a validator
 * running against a real Prometheus) can iterate over `ALL_QUERIES`. Grafana variables stay in
 * the text ($instance, $testid, $__rate_interval, ...); `substituteVariables` in extract.ts
 * replaces them for promtool or a real query.
 *
 * Sources of data:
 * - target app (job "target-app"): docs/metrics.md. No run or strategy labels on the event-loop
 *   and HTTP series; the task and queue series carry `strategy` (blocking | pooled).
 * - load generator (job "loadgen", the `looplab compare` process while it runs):
 *   looplab_client_* {testid, strategy, role[, status]} and looplab_run_phase {testid, strategy,
 *   phase} = 1 while that phase runs (absent otherwise). lab/src/run/client-metrics.ts.
 *
 * Attributing app series to a strategy: the compare runner runs one strategy at a time, so the
 * strategy that was loading the app at time t is the one whose looplab_run_phase series is
 * present at t. Joins below multiply an app series (no labels left after max()) by that
 * 0-or-1 series: `app * on() group_right() phase` keeps the phase's labels (testid, strategy)
 * and the app's value, and is empty while no phase runs.
 */

/**
 * Label matcher for the target app. $instance is single-valued (event-loop series of two
 * processes do not add up); =~ anyway, so a validator can substitute ".*".
 */
const APP = 'instance=~"$instance"';
/** Runs and strategies chosen on the time-series dashboards (multi-value, All = .*). */
const RUNS = 'testid=~"$testid", strategy=~"$strategy"';
/** One or two runs on the comparison dashboard ($testid_b is "none" when unused). */
const PAIR = 'testid=~"$testid|$testid_b"';

/**
 * Seconds the app's `nodejs_eventloop_delay_window_max_seconds` remembers a stall
 * (LOOPLAB_EVENT_LOOP_WINDOW_S, default 10). A strategy's measure phase is only attributed the
 * gauge once it has run this long, so the previous strategy's last stall cannot leak into it.
 */
export const EVENT_LOOP_WINDOW_S = 10;

export type Quantile = 0.5 | 0.95 | 0.99;
export const QUANTILES: readonly Quantile[] = [0.5, 0.95, 0.99];
export const quantileLabel = (q: Quantile): string => `p${Math.round(q * 100)}`;

// ---------------------------------------------------------------------------------------------
// Event loop (target app, main thread)
// ---------------------------------------------------------------------------------------------

/** Event-loop delay quantile from the cumulative histogram (resolution already subtracted). */
export const eventLoopDelayQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(nodejs_eventloop_delay_seconds_bucket{${APP}}[$__rate_interval])))`;

/** Exact largest delay: the app's sliding-window max, maxed again over the panel's window. */
export const EVENT_LOOP_DELAY_MAX = `max(max_over_time(nodejs_eventloop_delay_window_max_seconds{${APP}}[$__rate_interval]))`;

/** Stalls (samples) longer than 50 ms per second: quantiles hide them, this does not. */
export const EVENT_LOOP_STALLS_OVER_50MS = `sum(rate(nodejs_eventloop_delay_seconds_count{${APP}}[$__rate_interval])) - sum(rate(nodejs_eventloop_delay_seconds_bucket{${APP}, le="0.05"}[$__rate_interval]))`;

/** Event-loop utilization 0..1 (share of wall time the main loop was busy). */
export const EVENT_LOOP_UTILIZATION = `sum(rate(nodejs_eventloop_utilization_active_seconds_total{${APP}}[$__rate_interval]))`;

/** CPU of the whole process (main thread + worker threads), in cores. */
export const PROCESS_CPU_CORES = `sum(rate(process_cpu_seconds_total{${APP}}[$__rate_interval]))`;

/**
 * Phase series of the chosen runs' measure phases, kept only once the phase has run for
 * EVENT_LOOP_WINDOW_S (the `offset` copy must be present too), labels (testid, strategy).
 */
const settledMeasurePhase = (runs: string): string =>
  `(max by (testid, strategy) (looplab_run_phase{${runs}, phase="measure"}) and on(testid, strategy) max by (testid, strategy) (looplab_run_phase{${runs}, phase="measure"} offset ${EVENT_LOOP_WINDOW_S}s))`;

/** App window-max delay over the step, labelled with the strategy whose measure phase ran. */
const maxDelayJoinedToPhase = (runs: string): string =>
  `max(max_over_time(nodejs_eventloop_delay_window_max_seconds{${APP}}[$__interval])) * on() group_right() ${settledMeasurePhase(runs)}`;

/** Time series: max event-loop delay by strategy (only while that strategy's measure phase runs). */
export const EVENT_LOOP_DELAY_MAX_BY_STRATEGY = maxDelayJoinedToPhase(RUNS);

// ---------------------------------------------------------------------------------------------
// Probe latency: client side (load generator) and server side (/ping handler)
// ---------------------------------------------------------------------------------------------

/** Client-side latency quantile by strategy for one role, rate over the panel's window. */
export const clientLatencyQuantile = (q: Quantile, role: 'probe' | 'trigger'): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(looplab_client_request_duration_seconds_bucket{${RUNS}, role="${role}"}[$__rate_interval])))`;

/** Server-side /ping latency quantile (the probe's series has strategy="none"). */
export const serverPingQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (rate(http_server_request_duration_seconds_bucket{${APP}, route="/ping"}[$__rate_interval])))`;

// ---------------------------------------------------------------------------------------------
// Background tasks and the worker pool (target app; strategy is a label here)
// ---------------------------------------------------------------------------------------------

export const taskWaitQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(looplab_task_wait_seconds_bucket{${APP}, strategy=~"$strategy"}[$__rate_interval])))`;

export const taskRunQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, strategy) (rate(looplab_task_run_seconds_bucket{${APP}, strategy=~"$strategy"}[$__rate_interval])))`;

export const TASKS_IN_FLIGHT = `sum by (strategy) (looplab_tasks_in_flight{${APP}, strategy=~"$strategy"})`;
export const TASK_QUEUE_DEPTH = `sum by (strategy) (looplab_task_queue_depth{${APP}, strategy=~"$strategy"})`;
export const TASK_OUTCOMES_RATE = `sum by (strategy, outcome) (rate(looplab_tasks_total{${APP}, strategy=~"$strategy"}[$__rate_interval]))`;

/** piscina's lifetime utilization (moves slowly: an average since the pool started). */
export const POOL_UTILIZATION_LIFETIME = `max(looplab_pool_utilization_ratio{${APP}})`;
/** How busy the pool is now: worker-seconds of work per second over the number of threads. */
export const POOL_BUSY_NOW = `sum(rate(looplab_task_run_seconds_sum{${APP}, strategy="pooled"}[$__rate_interval])) / max(looplab_pool_threads{${APP}})`;
export const POOL_THREADS = `max(looplab_pool_threads{${APP}})`;
export const POOL_QUEUE_SIZE = `max(looplab_pool_queue_size{${APP}})`;

// ---------------------------------------------------------------------------------------------
// Load generator (client side, per run)
// ---------------------------------------------------------------------------------------------

export const CLIENT_TARGET_RATE = `sum by (strategy, role) (looplab_client_target_rate{${RUNS}})`;
export const CLIENT_ACHIEVED_RATE = `sum by (strategy, role) (rate(looplab_client_requests_total{${RUNS}}[$__rate_interval]))`;
export const CLIENT_IN_FLIGHT = `sum by (strategy, role) (looplab_client_in_flight{${RUNS}})`;
export const CLIENT_RATE_BY_STATUS = `sum by (strategy, role, status) (rate(looplab_client_requests_total{${RUNS}}[$__rate_interval]))`;
/** Transport errors (status "0") and 5xx answers. */
export const CLIENT_FAILURE_RATE = `sum by (strategy, role, status) (rate(looplab_client_requests_total{${RUNS}, status=~"0|5.."}[$__rate_interval]))`;
export const CLIENT_FAILURE_RATIO = `sum by (strategy, role) (rate(looplab_client_requests_total{${RUNS}, status=~"0|5.."}[$__rate_interval])) / sum by (strategy, role) (rate(looplab_client_requests_total{${RUNS}}[$__rate_interval]))`;
/**
 * Dropped requests so far (cumulative). The runner adds a phase's drops in one step when the
 * phase ends and creates the series only then, so rate()/increase() would miss the first
 * step; plot the counter itself.
 */
export const CLIENT_DROPPED_CUMULATIVE = `sum by (strategy, role) (looplab_client_dropped_requests_total{${RUNS}})`;
export const RUN_PHASES = `max by (strategy, phase) (looplab_run_phase{${RUNS}})`;

// Stats over the dashboard's time range (instant queries).
export const RANGE_REQUESTS = `sum(increase(looplab_client_requests_total{${RUNS}}[$__range]))`;
export const RANGE_FAILURES = `sum(increase(looplab_client_requests_total{${RUNS}, status=~"0|5.."}[$__range])) or vector(0)`;
export const RANGE_DROPPED = `sum(max_over_time(looplab_client_dropped_requests_total{${RUNS}}[$__range])) or vector(0)`;
export const rangeProbeQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le) (increase(looplab_client_request_duration_seconds_bucket{${RUNS}, role="probe"}[$__range])))`;

// ---------------------------------------------------------------------------------------------
// Strategy comparison: numbers over each strategy's measure phase (instant queries)
// ---------------------------------------------------------------------------------------------

const MEASURE_PAIR = `looplab_run_phase{${PAIR}, phase="measure"}`;
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
  `looplab_client_request_duration_seconds_bucket{${PAIR}, role="probe"${extra}}`;

/** Client probe quantile over each strategy's measure phase, by (testid, strategy). */
export const measureProbeQuantile = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, testid, strategy) ${measureIncrease(probeBuckets())})`;

/**
 * Ratio of each strategy's measure-phase probe quantile to the async strategy's of the same run.
 * Many strategies (left) per run to one async baseline (right): `/ on(testid) group_left()`.
 */
export const measureProbeQuantileRatioToAsync = (q: Quantile): string =>
  `${measureProbeQuantile(q)} / on(testid) group_left() histogram_quantile(${q}, sum by (le, testid) ${measureIncrease(probeBuckets(', strategy="async"'))})`;

/**
 * Largest event-loop delay per strategy during its measure phase: the app's window max joined to
 * the phase by time, skipping the first EVENT_LOOP_WINDOW_S s of the phase (see above), maxed
 * over the range.
 */
export const MEASURE_MAX_EVENT_LOOP_DELAY = `max by (testid, strategy) (max_over_time((${maxDelayJoinedToPhase(PAIR)})${SUBQUERY}))`;

/** Event-loop samples longer than 50 ms during each strategy's measure phase. */
export const MEASURE_STALLS_OVER_50MS = appMeasureIncrease(
  `(sum(nodejs_eventloop_delay_seconds_count{${APP}}) - sum(nodejs_eventloop_delay_seconds_bucket{${APP}, le="0.05"}))`,
);

/** Probe requests answered (any status) during the measure phase: how many samples p99 rests on. */
export const MEASURE_PROBE_REQUESTS = `sum by (testid, strategy) ${measureIncrease(`looplab_client_requests_total{${PAIR}, role="probe"}`)}`;
/** Probe failures (transport errors, 5xx) during the measure phase. */
export const MEASURE_PROBE_FAILURES = `sum by (testid, strategy) ${measureIncrease(`looplab_client_requests_total{${PAIR}, role="probe", status=~"0|5.."}`)}`;
/** Triggers answered 2xx during the measure phase (for async: /async calls completed). */
export const MEASURE_TRIGGERS_OK = `sum by (testid, strategy) ${measureIncrease(`looplab_client_requests_total{${PAIR}, role="trigger", status=~"2.."}`)}`;

/**
 * Background tasks completed ("done") during each strategy's measure phase, from the app's own
 * counter (it has a strategy label; the phase join picks the run). async runs no tasks.
 */
export const MEASURE_TASKS_DONE = `max by (testid, strategy) (max_over_time((sum by (strategy) (looplab_tasks_total{${APP}, outcome="done"}) * on(strategy) group_right() max by (testid, strategy) (${MEASURE_PAIR}))${SUBQUERY}) - min_over_time((sum by (strategy) (looplab_tasks_total{${APP}, outcome="done"}) * on(strategy) group_right() max by (testid, strategy) (${MEASURE_PAIR}))${SUBQUERY}))`;

/** Client probe quantile over time, for both runs (context for the numbers above). */
export const pairProbeQuantileOverTime = (q: Quantile): string =>
  `histogram_quantile(${q}, sum by (le, testid, strategy) (rate(looplab_client_request_duration_seconds_bucket{${PAIR}, role="probe"}[$__rate_interval])))`;

// ---------------------------------------------------------------------------------------------
// Annotations and template variables
// ---------------------------------------------------------------------------------------------

/** Run phases as annotation regions: Grafana turns each run of non-zero samples into a region. */
export const runPhaseAnnotation = (phase: 'warmup' | 'measure', runs = RUNS): string =>
  `max by (testid, strategy, phase) (looplab_run_phase{${runs}, phase="${phase}"})`;
export const PAIR_RUNS = PAIR;

export const VARIABLE_TESTID = 'label_values(looplab_run_phase, testid)';
export const VARIABLE_STRATEGY = 'label_values(looplab_run_phase{testid=~"$testid"}, strategy)';
export const VARIABLE_INSTANCE = 'label_values(nodejs_eventloop_delay_seconds_bucket, instance)';

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
  promql('POOL_THREADS', POOL_THREADS),
  promql('POOL_QUEUE_SIZE', POOL_QUEUE_SIZE),
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
