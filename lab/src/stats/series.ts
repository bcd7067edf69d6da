import type { RequestRecord, Role } from '../model.js';
import { percentile, sortNumbers } from './percentiles.js';

/** Latency statistics of the requests *sent* during one 1 s window [t − 1, t) of the phase. */
export interface SecondStats {
  /** End of the window, seconds since the measured phase started (1, 2, …). */
  t: number;
  count: number;
  /** Latency percentiles (same definition as percentiles.ts) and max, ms; null when empty. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * One entry per second of the phase (⌈durationS⌉ windows [i, i+1) s) for the records of `role`,
 * bucketed by the request's send time `t` (not its completion), so a stall shows up in the
 * second the delayed requests were sent in.
 * vegeta's schedule ends at exactly durationS (its last request is sent at durationS plus its
 * start-up delay), so records with t ≥ durationS are counted in the last window. Records with
 * t < 0 were sent before the measured phase (warm-up) and are left out.
 */
export function perSecond(
  records: readonly RequestRecord[],
  role: Role,
  durationS: number,
): SecondStats[] {
  const windows = Math.max(1, Math.ceil(durationS));
  const latencies: number[][] = Array.from({ length: windows }, () => []);
  for (const r of records) {
    if (r.role !== role || !(r.t >= 0)) continue;
    const i = Math.min(windows - 1, Math.floor(r.t / 1000));
    (latencies[i] as number[]).push(r.latencyMs);
  }
  return latencies.map((values, i) => {
    const sorted = sortNumbers(values);
    const empty = sorted.length === 0;
    return {
      t: i + 1,
      count: sorted.length,
      p50: empty ? null : percentile(sorted, 0.5),
      p95: empty ? null : percentile(sorted, 0.95),
      p99: empty ? null : percentile(sorted, 0.99),
      max: empty ? null : (sorted.at(-1) as number),
    };
  });
}
