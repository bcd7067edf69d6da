import type { StrategyResult } from '../model.js';
import { WAITING_FOR_CPU } from './stalls/fold.js';
import { formatShare, formatStalled, frameLocation } from './stalls/frame-text.js';

/** One row's part: `blocking: 96 % of 4.1 s stalled in `burnCpu` (workloads.ts:44)`. */
function rowPart(result: StrategyResult): string | undefined {
  const stalls = result.stalls;
  if (!stalls) return undefined;
  const count = Number.isFinite(stalls.count) ? stalls.count : stalls.attribution.stalls;
  if (!(count > 0)) return undefined;
  const stalledMs = Number.isFinite(stalls.stalledMs)
    ? stalls.stalledMs
    : stalls.attribution.stalledMs;
  const top = stalls.top[0];
  if (!top)
    return `${result.row}: ${count} stall${count === 1 ? '' : 's'}, ${formatStalled(stalledMs)} (${stalls.attribution.note ?? 'no frames'})`;
  const of = `${formatShare(top.selfPct)} of ${formatStalled(stalledMs)}`;
  if (top.function === WAITING_FOR_CPU)
    return `${result.row}: ${of} stalled waiting for a CPU (another thread or process had the loop's core)`;
  const where = [frameLocation(top), top.kind === 'on_cpu' ? '' : top.kind]
    .filter(Boolean)
    .join(', ');
  return `${result.row}: ${of} stalled in \`${top.function}\`${where ? ` (${where})` : ''}`;
}

/**
 * What the verdict says blocked the loop: each row that stalled, with the frame that held most of
 * its stalled time. Empty when no row stalled (or the source knows nothing of stalls).
 */
export function stallVerdict(results: readonly StrategyResult[]): string {
  const parts = results.map(rowPart).filter((part) => part !== undefined);
  return parts.length > 0 ? `What blocked the loop: ${parts.join('; ')}.` : '';
}
