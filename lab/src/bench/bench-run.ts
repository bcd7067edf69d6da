/** What one `looplab bench` run measured: written as reports/bench/<run-id>/bench.json. */
export const BENCH_SCHEMA = 'looplab.bench/2';

export interface BenchSettings {
  variants: string[];
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
  /** Fixed arrival rate (req/s, vegeta's open model) instead of wrk's closed loop; null: closed loop. */
  ratePerS: number | null;
  /** A closed-loop round counts only if the server's main thread was at least this busy. */
  saturatedBusy: number;
  quick: boolean;
  /**
   * Every variant ran at once on the server core (`--together`) rather than in turn; absent in
   * runs written before the flag existed.
   */
  together?: boolean;
  /** taskset CPU lists; null when not pinned. */
  pinning: { app: string | null; load: string | null };
  node: string;
  load: string;
}

/** One variant in one round: a fresh server, a warm-up, then the measured load. */
export interface RoundResult {
  variant: string;
  round: number;
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /**
   * The server's CPU time per answered request, µs, every thread of the process: on a server
   * pinned to one core, what limits req/s; steadier than req/s on a busy machine.
   */
  cpuUsPerReq: number | null;
  /** The main thread's share of it, µs per request. */
  mainCpuUsPerReq: number | null;
  /**
   * The server main thread's share of the measured time on a CPU or waiting for one, out of
   * the time the VM was not stolen (server-clock.ts); null where /proc cannot tell.
   */
  busy: number | null;
  /** Share of the measured time the hypervisor took from the server's CPUs. */
  stealShare: number | null;
  /**
   * Closed loop: whether the server was saturated (busy ≥ settings.saturatedBusy); a round that
   * was not is load-bound and enters no ratio. Null for the fixed rate, which is not meant to saturate.
   */
  saturated: boolean | null;
  /** The machine's 1-minute load average at the end of the round. */
  loadAverage: number;
  /** Whether /ping exemplars carried trace ids after the round; null for bare Fastify. */
  tracesSeen: boolean | null;
  problems: string[];
}

/**
 * A candidate over a reference, each the median of per-round values over the rounds both ran
 * (closed loop: both saturated): req/s, p50 and p99 ratios, the p99 added (ms), the CPU µs per
 * request added, and the capacity ratio (reference CPU per request / candidate's), which on a
 * shared VM is steadier than req/s. Null when no round paired.
 */
export interface Comparison {
  /** Rounds that entered the medians. */
  pairs: number;
  throughput: number;
  p50: number;
  p99: number;
  p99AddedMs: number;
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
  mainCpuUsPerReq: number | null;
  /** Median over the rounds of the server main thread's busy share (RoundResult.busy). */
  busy: number | null;
  /** Closed-loop rounds in which the server was saturated. */
  saturatedRounds: number;
  /**
   * Closed loop with the median busy share below settings.saturatedBusy: the load generator,
   * not the server, set its req/s, so it is left out of every ratio (its own and others').
   */
  loadBound: boolean;
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
  /**
   * By time per request at saturation (1 / req/s) of bare, off and default; null when one of
   * them was load-bound.
   */
  time: (CostSplit & { timeUs: { bare: number; off: number; default: number } }) | null;
  /** The same split in server CPU per request. */
  cpu: CostSplit | null;
}

export interface Goal {
  /** `throughput`, `latency`: req/s and client-side p99 as measured; `capacity`: 1 / CPU per request. */
  measure: 'throughput' | 'latency' | 'capacity';
  /** Which issue set it ("issue 16"). */
  source: string;
  name: string;
  target: string;
  /** A ratio (×), or milliseconds added. */
  unit: 'ratio' | 'ms';
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
  /** Stall attribution's cost: `default` over `no-attribution`, when both ran. */
  attribution: Comparison | null;
  /** With --baseline: the other checkout's default over its own off. */
  baseline: Comparison | null;
  goals: Goal[];
  /** The machine's load averages (1, 5, 15 min) when the run started and ended. */
  loadAverage: { start: number[]; end: number[] };
  warnings: string[];
}
