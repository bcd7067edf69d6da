/**
 * The data the compare runner produces and every report file is built from.
 * raw.json (RawRun) is what a run saves; report.json (Report) is derived from it,
 * so `looplab report <run-folder>` can rebuild every file without running anything.
 * Both files have a JSON Schema (lab/schema/); SCHEMA_VERSION changes when either changes shape.
 */
import type { Runtime, StrategyName, WorkloadKind } from '@looplab/contract';
import type { RawStalls, StallCounters, StallFigures } from './stall-model.js';

/**
 * A row's name: for looplab's own apps a strategy of the contract (contract/data/strategies.json,
 * checked where it is read), for your own service the name of a variant (`--variant NAME=...`).
 */
export type Strategy = string;
export type { Runtime, StrategyName, WorkloadKind };

/**
 * The coordinates of a row of your own service (`looplab compare --variant`): one target, the
 * variant's own requests as the work, and a tracing looplab knows nothing of.
 */
export const SERVICE_TARGET = 'service';
export const SERVICE_WORKLOAD = 'request';
export const SERVICE_INSTRUMENTATION = 'unknown';

/** What a row drives: one of looplab's apps, or your own service. */
export type Target = Runtime | typeof SERVICE_TARGET;
export type CellWorkload = WorkloadKind | typeof SERVICE_WORKLOAD;
export type CellInstrumentation = Instrumentation | typeof SERVICE_INSTRUMENTATION;

/** The app's tracing (LOOPLAB_INSTRUMENTATION): the lab measures what it costs. */
export const INSTRUMENTATION_MODES = ['off', 'on'] as const;
export type Instrumentation = (typeof INSTRUMENTATION_MODES)[number];

/**
 * One cell of a run's matrix: a strategy of a runtime, under one workload, with tracing on or off.
 * Each cell runs on a fresh app.
 */
export interface Cell {
  target: Target;
  strategy: Strategy;
  workload: CellWorkload;
  instrumentation: CellInstrumentation;
}

/** A cell of looplab's own apps: a strategy of the contract, under one of its workloads. */
export interface LabCell extends Cell {
  target: Runtime;
  strategy: StrategyName;
  workload: WorkloadKind;
  instrumentation: Instrumentation;
}

export type Role = 'probe' | 'trigger';

/**
 * The shape of raw.json and report.json. 2: every cell coordinate, row name and source is
 * always present (version 1 files left them out when a run had one target, workload or mode).
 * 3: event-loop stalls (stall-model.ts): each cell's fetched stalls and stall counters in
 * raw.json, each row's `stalls` in report.json.
 */
export const SCHEMA_VERSION = 3;

export interface RunConfig {
  runId: string;
  strategies: Strategy[];
  /** Target apps, in run order. */
  targets: Target[];
  /** Workloads, in run order. */
  workloads: CellWorkload[];
  /** Tracing modes, in run order. */
  instrumentation: CellInstrumentation[];
  /** The load/scenarios.json preset the run used. */
  scenario?: string;
  /** Measured seconds per strategy (after warm-up). */
  durationS: number;
  warmupS: number;
  /** Requests per second to GET /ping. */
  probeRate: number;
  /** Requests per second to the strategy's trigger endpoint. */
  triggerRate: number;
  /** The first (or only) workload. */
  workload: CellWorkload;
  /** Size of each triggered job, in ms (the /async wait for the async strategy). */
  workloadMs: number;
  poolSize: number;
  /** Client timeout per request, seconds. */
  timeoutS: number;
  /** Label on every client-side metric exported to Prometheus (defaults to the run id). */
  testid: string;
  /** The app under test when it was already running (compose); null when the runner started it. */
  targetUrl: string | null;
  /** Your own service (`--variant`, `--config`): the probe and the variants, as sent. */
  service?: ServiceRun;
}

/** One HTTP request as the runner sends it (headers and body as given, the URL resolved). */
export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as sent, absent without one. */
  body?: string;
}

/** A variant's requests: one request, or a vegeta target file passed through. */
export interface VariantRequests {
  request?: HttpRequestSpec;
  /** The file (absolute path), its vegeta format and how many targets it holds. */
  targets?: { file: string; format: 'http' | 'json'; count: number };
}

/** One variant of your own service: its phase sends the probe and these requests side by side. */
export interface ServiceVariant extends VariantRequests {
  name: string;
  /** The service this variant drives (its probe and /metrics are read there). */
  targetUrl: string;
  /** The variant's requests per second. */
  ratePerS: number;
  /** The probe, resolved against targetUrl. */
  probe: HttpRequestSpec;
  /** Where the service's metrics were read; null: it has none looplab could read (probe only). */
  metricsUrl: string | null;
  /** Headers added to every target of a target file (vegeta -header). */
  headers: Record<string, string>;
}

export interface ServiceRun {
  /** The probe as given ("GET /health"): the report names it so. */
  probe: string;
  /** The variant the others are compared with (ratios, budgets, the verdict). */
  baseline: string;
  variants: ServiceVariant[];
}

export interface Environment {
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
  loadGenerator: { name: string; version: string };
  /**
   * CPU lists used with taskset, or null when not pinned: `app` is the app's main thread (the
   * event loop), `offLoop` its pool threads, children and the queue worker.
   */
  pinning: { app: string | null; load: string | null; offLoop: string | null };
  hostname: string;
}

/** One HTTP request as the load generator saw it (client side: the ground truth). */
export interface RequestRecord {
  role: Role;
  /** Milliseconds since the measured phase of this strategy started. */
  t: number;
  latencyMs: number;
  /** HTTP status, 0 when the request failed without one (timeout, connection error). */
  status: number;
  error?: string;
}

/** One scrape of the app's /metrics, reduced to what the report uses. Counters are cumulative. */
export interface MetricsSample {
  /** Milliseconds since the measured phase of this strategy started. */
  t: number;
  /** nodejs_eventloop_delay_window_max_seconds, in ms. */
  lagWindowMaxMs: number;
  /** The window that max covers (nodejs_eventloop_delay_window_seconds), s. */
  lagWindowS: number;
  /** Cumulative http_server_request_duration_seconds buckets of GET /ping. */
  pingServerBuckets: Array<[number, number]>;
  /** Cumulative nodejs_eventloop_delay_seconds buckets: upper bound (s) → count. */
  lagBuckets: Array<[number, number]>;
  eluActiveSeconds: number;
  tasksDone: number;
  tasksFailed: number;
  tasksRejected: number;
  queueDepth: number;
  inFlight: number;
  /** Cumulative looplab_task_wait_seconds / run_seconds buckets for this strategy. */
  waitBuckets: Array<[number, number]>;
  runBuckets: Array<[number, number]>;
  /** process_resident_memory_bytes of the app (main process); absent when it does not export it. */
  appMemoryBytes?: number;
  /** looplab_pool_workers of this strategy (pooled, process). */
  poolWorkers?: number;
  /** looplab_pool_worker_resident_memory_bytes of this strategy, summed over its children (process). */
  poolMemoryBytes?: number;
  /** Cumulative looplab_queue_enqueue_seconds buckets (queue). */
  enqueueBuckets?: Array<[number, number]>;
  /** Cumulative looplab_task_slice_seconds buckets (chunked). */
  sliceBuckets?: Array<[number, number]>;
  /** The app's stall counters by class (absent when it does not export them). */
  stalls?: StallCounters;
}

export interface RawStrategyRun {
  strategy: Strategy;
  /** The cell's other coordinates. */
  target: Target;
  workload: CellWorkload;
  instrumentation: CellInstrumentation;
  startedAt: string;
  /** Wall-clock length of the measured phase, ms. */
  elapsedMs: number;
  expected: Record<Role, number>;
  requests: RequestRecord[];
  samples: MetricsSample[];
  /** What the app's GET /looplab/stalls gave for the phase, or why nothing. */
  stalls?: RawStalls;
  /**
   * Your own service: which of its series the samples were read from (metrics/recognise.ts);
   * null when it has no metrics looplab could read (probe only). Absent for looplab's own apps.
   */
  recognised?: RecognisedMetrics | null;
}

/** How a reading resets: never (a window max, a counter), on every scrape, on every SDK export. */
export type ReadingKind = 'window' | 'counter' | 'scrape' | 'export';

/** Which of a service's series feed the report, as it spells them, and how each reads. */
export interface RecognisedMetrics {
  lagMax?: { series: string; reading: ReadingKind };
  /** A cumulative event-loop delay histogram (looplab's names). */
  lagHistogram?: string;
  utilization?: { series: string; reading: ReadingKind };
  /** The probe route's server-side duration histogram and the exporter that wrote it. */
  probeServer?: { series: string; exporter: string };
  memory?: string;
}

export interface RawRun {
  schemaVersion: typeof SCHEMA_VERSION;
  config: RunConfig;
  environment: Environment;
  startedAt: string;
  finishedAt: string;
  runs: RawStrategyRun[];
}

export interface LatencySummary {
  count: number;
  throughputRps: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * Where a figure's true value lies, as far as the run can tell, and what it was read from:
 * - `bucket`: the histogram bucket a quantile was interpolated in (histograms know nothing finer);
 * - `ci95`: a 95 % confidence interval of a percentile of exact samples (order statistics);
 * - `exact`: read exactly (an exact window max whose windows lie inside the phase, a counter's
 *   increase): low = high = the figure;
 * - `bound`: an upper bound (the service's max window reaches back before the phase);
 * - `scrape`: the service resets it on every scrape, so it covers the time since the previous
 *   scrape, anyone's: another scraper would split it, the true value is at least this;
 * - `export`: the service's OpenTelemetry SDK resets it on every export (60 s by default), not
 *   aligned with the phase: neither bound holds;
 * - `none`: the service exports nothing looplab knows for it (low, high NaN): probe only.
 * Two figures whose ranges overlap are a tie: the run cannot tell them apart.
 */
export interface Resolution {
  low: number;
  high: number;
  kind: ResolutionKind;
  /** The series it was read from, as the service spells it (your own service's rows). */
  source?: string;
}

export const RESOLUTION_KINDS = [
  'bucket',
  'ci95',
  'exact',
  'bound',
  'scrape',
  'export',
  'none',
] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

/** The figures that carry a Resolution, by their path in StrategyResult. */
export type ResolvedFigure =
  | 'probe.p50'
  | 'probe.p95'
  | 'probe.p99'
  | 'probeServer.p99Ms'
  | 'eventLoop.lagP99Ms'
  | 'eventLoop.lagMaxMs'
  | 'eventLoop.utilization'
  | 'tasks.waitP95Ms'
  | 'tasks.runP50Ms'
  | 'tasks.runP95Ms'
  | 'costs.enqueueP99Ms';

export interface StrategyResult {
  strategy: Strategy;
  /** Where this row sits in the run's matrix. */
  target: Target;
  workload: CellWorkload;
  instrumentation: CellInstrumentation;
  /** The row's name in tables and charts (see report/rows.ts). */
  row: string;
  /** What the strategy costs besides the loop (absent where it does not apply). */
  costs?: StrategyCosts;
  /** Client-side latency of GET /ping, ms. */
  probe: LatencySummary;
  /**
   * Server-side duration of GET /ping (http_server_request_duration_seconds, bucket estimates),
   * ms. It starts when the loop picks the request up, so it misses the time a request waited
   * behind a blocked loop: the gap to the client-side numbers is that wait.
   */
  probeServer: { p50Ms: number; p99Ms: number };
  trigger: {
    expected: number;
    sent: number;
    accepted: number;
    rejected: number;
    errors: number;
    p50: number;
    p99: number;
  };
  /** Requests the load generator could not send on schedule (expected − sent, both roles). */
  droppedIterations: number;
  eventLoop: { lagP50Ms: number; lagP99Ms: number; lagMaxMs: number; utilization: number };
  tasks: {
    completed: number;
    failed: number;
    rejected: number;
    waitP50Ms: number;
    waitP95Ms: number;
    waitP99Ms: number;
    runP50Ms: number;
    runP95Ms: number;
    runP99Ms: number;
  };
  /** How well the run knows each figure that is an estimate (absent: no number, or exact). */
  resolution: Partial<Record<ResolvedFigure, Resolution>>;
  /** Event-loop stalls and what ran in them (absent when the source knows nothing of them). */
  stalls?: StallFigures;
  /** This strategy's value over the baseline's (async). 1 for the baseline itself. */
  ratios: {
    probeP50: number;
    probeP95: number;
    probeP99: number;
    probeMax: number;
    lagMax: number;
  };
}

/** What a strategy costs besides the event loop, from the app's and the worker's metrics. */
export interface StrategyCosts {
  /** Resident memory of the app's main process at the end of the phase, MiB. */
  appMemoryMiB?: number;
  /** process: the children's resident memory summed, MiB, and per child. */
  poolMemoryMiB?: number;
  poolWorkers?: number;
  memoryPerWorkerMiB?: number;
  /** queue: time to durably enqueue before answering, ms. */
  enqueueP50Ms?: number;
  enqueueP99Ms?: number;
  /** chunked: how many slices ran and the longest slice (bucket bound), ms. */
  slices?: number;
  sliceMaxMs?: number;
}

/** One point per second of the measured phase: what the charts and samples.csv show. */
export interface SeriesPoint {
  strategy: Strategy;
  /** The row (see report/rows.ts) the point belongs to. */
  row: string;
  /** Seconds since the measured phase started (end of the 1 s window). */
  t: number;
  probeCount: number;
  probeP50Ms: number | null;
  probeP95Ms: number | null;
  probeP99Ms: number | null;
  probeMaxMs: number | null;
  lagMaxMs: number | null;
  utilization: number | null;
  queueDepth: number | null;
  inFlight: number | null;
}

export const BUDGET_METRICS = [
  'probe.p50',
  'probe.p95',
  'probe.p99',
  'probe.max',
  'eventLoop.lagMaxMs',
] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

/** A threshold (load/scenarios.json, --budgets file): exactly one of maxRatio, maxOverMs, maxMs. */
export interface Budget {
  /** e.g. "pooled keeps /ping p99 within 30 ms of async" */
  name: string;
  strategy: Strategy;
  metric: BudgetMetric;
  /** At most this factor of `relativeTo`'s same metric. */
  maxRatio?: number;
  /** At most this many ms above `relativeTo`'s same metric (a margin noise cannot break). */
  maxOverMs?: number;
  /** The strategy maxRatio and maxOverMs compare with; default: the baseline. */
  relativeTo?: Strategy;
  /** An absolute limit in ms. */
  maxMs?: number;
}

export interface BudgetResult extends Budget {
  actual: number;
  limit: number;
  passed: boolean;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'looplab'; version: string };
  runId: string;
  createdAt: string;
  /**
   * Where the numbers come from. 'local': the compare runner's raw.json (exact client
   * percentiles). 'prometheus': `looplab report --prometheus` (client percentiles are histogram
   * bucket estimates; the renderers say so).
   */
  source: 'local' | 'prometheus';
  config: RunConfig;
  environment: Environment;
  baseline: Strategy;
  strategies: StrategyResult[];
  series: SeriesPoint[];
  verdict: string;
  budgets: BudgetResult[];
  /** Rows whose requests failed (report/problems.ts): absent when there are none. */
  problems?: string[];
}
