import type { StrategyResult } from '../model.js';

/**
 * What keeps a report from standing for its rows: requests that failed (no answer, or not the
 * expected status). Each row with failures is named with its counts; the report shows them first
 * and `looplab compare` of your own service exits non-zero, so a partial report is never taken
 * for a complete one.
 */
export function problemsOf(results: readonly StrategyResult[]): string[] {
  return results.flatMap((result) => {
    const found: string[] = [];
    if (result.probe.errors > 0)
      found.push(
        `${result.row}: ${result.probe.errors} of ${result.probe.count} probe requests failed`,
      );
    if (result.trigger.errors > 0)
      found.push(
        `${result.row}: ${result.trigger.errors} of ${result.trigger.sent} of its own requests failed`,
      );
    return found;
  });
}
