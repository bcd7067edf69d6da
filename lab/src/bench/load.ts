/** What one measured load run against a server reports, whichever generator drove it. */
export interface LoadResult {
  /** Responses received (any status). */
  requests: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Successful requests per second. */
  reqPerS: number;
  /** How long the generator sent requests, seconds, as it measured (its start-up excluded). */
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Distinct errors and non-2xx counts, empty when every request succeeded. */
  problems: string[];
}

/**
 * A load generator as the bench drives it: the same load for every variant and round, against
 * one URL, for a given number of seconds.
 */
export interface BenchLoad {
  /** What it is, for the report ("wrk closed loop, 1 thread, 10 connections"). */
  readonly describe: string;
  /** Whether it is a closed loop meant to saturate the server (then saturation is checked). */
  readonly saturating: boolean;
  run(url: string, durationS: number): Promise<LoadResult>;
}
