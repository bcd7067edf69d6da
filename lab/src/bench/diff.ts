import { formatRatio, isFiniteNumber } from '../format.js';
import type { BenchRun, VariantSummary } from './bench-run.js';
import { textTable } from './text-table.js';

const change = (before: number | null | undefined, after: number | null | undefined) => {
  if (!isFiniteNumber(before) || !isFiniteNumber(after) || before === 0) return '–';
  const pct = ((after - before) / before) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)} %`;
};
const num = (value: number | null | undefined, digits: number) =>
  isFiniteNumber(value) ? value.toFixed(digits) : '–';

/**
 * Two bench runs side by side, variant by variant: what changed in req/s, p99, CPU per request
 * and the ratios to `off` (the ratios is the number to watch: it cancels a slower machine).
 */
export function renderBenchDiff(before: BenchRun, after: BenchRun): string {
  const names = [
    ...new Set([...before.summary, ...after.summary].map((summary) => summary.variant)),
  ];
  const find = (run: BenchRun, name: string): VariantSummary | undefined =>
    run.summary.find((summary) => summary.variant === name);
  const rows = names.map((name) => {
    const [a, b] = [find(before, name), find(after, name)];
    return [
      name,
      `${num(a?.reqPerS, 0)} → ${num(b?.reqPerS, 0)}`,
      change(a?.reqPerS, b?.reqPerS),
      `${num(a?.p99Ms, 2)} → ${num(b?.p99Ms, 2)}`,
      change(a?.p99Ms, b?.p99Ms),
      `${num(a?.cpuUsPerReq, 1)} → ${num(b?.cpuUsPerReq, 1)}`,
      `${formatRatio(a?.vsOff?.throughput)} → ${formatRatio(b?.vsOff?.throughput)}`,
      `${formatRatio(a?.vsOff?.capacity)} → ${formatRatio(b?.vsOff?.capacity)}`,
    ];
  });
  return `${[
    `looplab bench diff: ${before.runId} → ${after.runId}`,
    '',
    textTable(
      ['variant', 'req/s', 'change', 'p99 ms', 'change', 'CPU µs/req', '× off', 'cap × off'],
      rows,
    ),
  ].join('\n')}\n`;
}
