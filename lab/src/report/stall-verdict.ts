import type { StrategyResult } from '../model.js';
import { formatShare, formatStalled, frameLocation } from './stalls/frame-text.js';

/** From this share of a row's stalled time without a CPU, the verdict says so. */
const NOTABLE_CPU_WAIT = 0.25;

/** `, the loop thread without a CPU for 69 % of it`: another process had its core. */
function cpuWait(stalls: NonNullable<StrategyResult['stalls']>): string {
  const { waitedForCpuMs, stalledMs } = stalls.attribution;
  if (!(stalledMs > 0) || waitedForCpuMs / stalledMs < NOTABLE_CPU_WAIT) return '';
  return `, the loop thread without a CPU for ${formatShare((100 * waitedForCpuMs) / stalledMs)} of it`;
}

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
  const where = [frameLocation(top), top.kind === 'on_cpu' ? '' : top.kind]
    .filter(Boolean)
    .join(', ');
  return `${result.row}: ${formatShare(top.selfPct)} of ${formatStalled(stalledMs)} stalled in \`${top.function}\`${where ? ` (${where})` : ''}${cpuWait(stalls)}`;
}

/**
 * What the verdict says blocked the loop: each row that stalled, with the frame that held most of
 * its stalled time. Empty when no row stalled (or the source knows nothing of stalls).
 */
export function stallVerdict(results: readonly StrategyResult[]): string {
  const parts = results.map(rowPart).filter((part) => part !== undefined);
  return parts.length > 0 ? `What blocked the loop: ${parts.join('; ')}.` : '';
}
