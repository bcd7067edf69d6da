/**
 * The metric names dashboards may use: the target app's (docs/metrics.md) and the load
 * generator's (lab/src/run/client-metrics.ts). A test checks every query against this list and
 * this list against those two files, so a renamed metric fails loudly instead of drawing nothing.
 */

/** Histograms: usable as <name>_bucket, <name>_sum, <name>_count. */
export const HISTOGRAMS = [
  'nodejs_eventloop_delay_seconds',
  'http_server_request_duration_seconds',
  'looplab_task_wait_seconds',
  'looplab_task_run_seconds',
  'looplab_client_request_duration_seconds',
] as const;

/** Counters and gauges, by their exposed sample name. */
export const SERIES = [
  // target app: event loop
  'nodejs_eventloop_delay_window_max_seconds',
  'nodejs_eventloop_utilization_active_seconds_total',
  'nodejs_eventloop_utilization_idle_seconds_total',
  // target app: tasks and pool
  'looplab_tasks_total',
  'looplab_task_queue_depth',
  'looplab_tasks_in_flight',
  'looplab_pool_threads',
  'looplab_pool_utilization_ratio',
  'looplab_pool_queue_size',
  'looplab_pool_worker_exits_total',
  // target app: prom-client defaults used here
  'process_cpu_seconds_total',
  // load generator
  'looplab_client_requests_total',
  'looplab_client_dropped_requests_total',
  'looplab_client_target_rate',
  'looplab_client_in_flight',
  'looplab_run_phase',
] as const;

export const KNOWN_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...HISTOGRAMS.flatMap((name) => [`${name}_bucket`, `${name}_sum`, `${name}_count`]),
  ...SERIES,
]);

/** Where each family is documented or defined, relative to the repository root. */
export const METRIC_SOURCES = {
  app: 'docs/metrics.md',
  loadgen: 'lab/src/run/client-metrics.ts',
} as const;

export const isLoadgenMetric = (name: string): boolean =>
  name.startsWith('looplab_client_') || name === 'looplab_run_phase';
