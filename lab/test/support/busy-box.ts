import { loadavg } from 'node:os';
import type { RawRun, Report, Strategy } from '../../src/model.js';

/**
 * The baseline (async) has no work that could hold its loop or its /ping for 50 ms: when its max
 * lag or its probe p99 says it was held that long, another process had the app's core or the
 * load generator's, and the run cannot show a direction. Such a run is done again; a test that
 * still fails says so (busyBox).
 */
export const BUSY_BASELINE_MS = 50;

function baseline(report: Report) {
  const found = report.strategies.find((result) => result.strategy === report.baseline);
  if (!found) throw new Error(`no ${report.baseline} in the report`);
  return found;
}

/** How long the baseline was held, ms: the larger of its max lag and its /ping p99. */
export function baselineHeldMs(report: Report): number {
  const { eventLoop, probe } = baseline(report);
  return Math.max(eventLoop.lagMaxMs, probe.p99);
}

export const baselineHeld = (report: Report): boolean => baselineHeldMs(report) > BUSY_BASELINE_MS;

/** Why a direction could not be seen, or 'a quiet baseline' when nothing held it. */
export function busyBox(report: Report): string {
  if (!baselineHeld(report)) return 'a quiet baseline';
  const { eventLoop, probe } = baseline(report);
  return `the baseline was held (async max lag ${eventLoop.lagMaxMs.toFixed(1)} ms, /ping p99 ${probe.p99.toFixed(1)} ms; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}): another process had a core this run needs, so it cannot show a direction`;
}

/**
 * Event-loop delays longer than `ms` in a strategy's measured phase, from its raw.json samples
 * (the delay histogram's increase; `ms` must be a bucket bound). Each blocking job is one such
 * delay; another process on the box stalls the loop far less often than the jobs run, so this
 * shows the direction even when it also held the baseline.
 */
export function stallsOver(raw: RawRun, strategy: Strategy, ms: number): number {
  const run = raw.runs.find((cell) => cell.strategy === strategy);
  const first = run?.samples[0];
  const last = run?.samples.at(-1);
  if (!first || !last) throw new Error(`no samples of ${strategy} in raw.json`);
  const above = (buckets: Array<[number, number]>) => {
    const total = buckets.at(-1)?.[1] ?? 0;
    const within = buckets.find(([le]) => Math.abs(le - ms / 1000) < 1e-9);
    if (!within) throw new Error(`${ms} ms is not a bound of the delay histogram`);
    return total - within[1];
  };
  return above(last.lagBuckets) - above(first.lagBuckets);
}
