import { formatMs, formatPercent, formatRatio } from '../format.js';
import type { Report, StrategyResult } from '../model.js';
import { ratio } from '../stats/percentiles.js';

interface Row {
  label: string;
  pick: (result: StrategyResult) => number;
  format: (value: number) => string;
}

const ROWS: Row[] = [
  { label: 'probe p50 (ms)', pick: (r) => r.probe.p50, format: (v) => formatMs(v) },
  { label: 'probe p95 (ms)', pick: (r) => r.probe.p95, format: (v) => formatMs(v) },
  { label: 'probe p99 (ms)', pick: (r) => r.probe.p99, format: (v) => formatMs(v) },
  { label: 'probe max (ms)', pick: (r) => r.probe.max, format: (v) => formatMs(v) },
  {
    label: 'event-loop lag p99 (ms)',
    pick: (r) => r.eventLoop.lagP99Ms,
    format: (v) => formatMs(v),
  },
  {
    label: 'event-loop lag max (ms)',
    pick: (r) => r.eventLoop.lagMaxMs,
    format: (v) => formatMs(v),
  },
  {
    label: 'event-loop utilization (%)',
    pick: (r) => r.eventLoop.utilization,
    format: (v) => formatPercent(v),
  },
  { label: 'task wait p95 (ms)', pick: (r) => r.tasks.waitP95Ms, format: (v) => formatMs(v) },
  { label: 'trigger rejections', pick: (r) => r.trigger.rejected, format: (v) => String(v) },
];

/** A Markdown comparison of two runs (before → after a change), strategy by strategy. */
export function renderDiff(before: Report, after: Report): string {
  const lines = [
    `# looplab diff: ${before.runId} → ${after.runId}`,
    '',
    `Before: ${before.createdAt}, ${before.config.durationS} s per strategy at ${before.config.probeRate} probe/s and ${before.config.triggerRate} trigger/s (${before.config.workload} ${before.config.workloadMs} ms).`,
    `After: ${after.createdAt}, ${after.config.durationS} s per strategy at ${after.config.probeRate} probe/s and ${after.config.triggerRate} trigger/s (${after.config.workload} ${after.config.workloadMs} ms).`,
  ];
  const sameLoad =
    before.config.probeRate === after.config.probeRate &&
    before.config.triggerRate === after.config.triggerRate &&
    before.config.workload === after.config.workload &&
    before.config.workloadMs === after.config.workloadMs;
  if (!sameLoad)
    lines.push('', '> The two runs used different load or workload settings: compare with care.');
  // Rows match by name: the strategy, with target, workload and tracing where a run varies them.
  const rows = [
    ...new Set([...before.strategies, ...after.strategies].map((result) => result.row)),
  ];
  for (const name of rows) {
    const a = before.strategies.find((result) => result.row === name);
    const b = after.strategies.find((result) => result.row === name);
    lines.push('', `## ${name}`, '');
    if (!a || !b) {
      lines.push(`Only in ${a ? 'the before' : 'the after'} run.`);
      continue;
    }
    lines.push('| metric | before | after | after / before |', '|---|---:|---:|---:|');
    for (const row of ROWS) {
      const x = row.pick(a);
      const y = row.pick(b);
      lines.push(
        `| ${row.label} | ${row.format(x)} | ${row.format(y)} | ${formatRatio(ratio(y, x))} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
