/** What one `looplab bench` run measured: written as reports/bench/<run-id>/bench.json. */
export const BENCH_SCHEMA = 'looplab.bench/1';

export interface BenchSettings {
  variants: string[];
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
  /** Fixed arrival rate (req/s) instead of the closed loop; null: closed loop. */
  ratePerS: number | null;
  quick: boolean;
  /** taskset CPU lists; null when not pinned. */
  pinning: { app: string | null; load: string | null };
  node: string;
  load: string;
}

/** One variant in one round: a fresh server, a warm-up, then the measured closed loop. */
export interface RoundResult {
  variant: string;
  round: number;
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** The server's main-thread CPU time per answered request, µs: steadier than req/s on a busy machine. */
  cpuUsPerReq: number | null;
  /** Whether /ping exemplars carried trace ids after the round; null for bare Fastify. */
  tracesSeen: boolean | null;
  problems: string[];
}

/**
 * A candidate over a reference: req/s and p99 ratios, the CPU µs per request added, and the
 * capacity ratio (reference CPU per request / candidate's): what the throughput ratio would be
 * with both servers saturated, which a closed loop on one core cannot always reach.
 */
export interface Comparison {
  throughput: number;
  p99: number;
  cpuUsAdded: number | null;
  capacity: number | null;
}

export interface VariantSummary {
  variant: string;
  describe: string;
  rounds: number;
  /** Medians over the rounds. */
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number | null;
  /**
   * The server main thread's busy fraction while measured (req/s × CPU per request). Well
   * below 1, the load generator, not the server, set the req/s.
   */
  busy: number | null;
  vsOff: Comparison | null;
  vsBare: Comparison | null;
}

export interface CostSplit {
  frameworkUs: number;
  instrumentationUs: number;
  frameworkShare: number;
  instrumentationShare: number;
}

/** Where the cost of a request over bare Fastify goes: the framework (Nest, metrics) or tracing. */
export interface CostShares {
  /** Per-request time at saturation (1 / req/s), µs, of bare, off and default. */
  timeUs: { bare: number; off: number; default: number };
  frameworkUs: number;
  instrumentationUs: number;
  /** Shares of the total extra time (framework + instrumentation = 1). */
  frameworkShare: number;
  instrumentationShare: number;
  /** The same split in server CPU per request: right even when bare Fastify was load-bound. */
  cpu: CostSplit | null;
}

export interface Goal {
  /** `throughput`, `latency`: req/s and client-side p99 as measured; `capacity`: 1 / CPU per request. */
  measure: 'throughput' | 'latency' | 'capacity';
  name: string;
  target: string;
  value: number;
  met: boolean;
}

export interface BenchRun {
  schema: typeof BENCH_SCHEMA;
  runId: string;
  startedAt: string;
  finishedAt: string;
  settings: BenchSettings;
  rounds: RoundResult[];
  summary: VariantSummary[];
  shares: CostShares | null;
  goals: Goal[];
  warnings: string[];
}
