import { formatMs, formatPercent, formatRatio } from '../format.js';
import type { Report, RunConfig, StrategyResult } from '../model.js';
import { ratio } from '../stats/percentiles.js';
import { describeResolution } from './resolution.js';
import { termsOf } from './terms.js';

interface Row {
  label: string;
  pick: (result: StrategyResult) => number;
  format: (value: number) => string;
  /** Only for looplab's own strategies (tasks). */
  labOnly?: boolean;
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
  {
    label: 'task wait p95 (ms)',
    pick: (r) => r.tasks.waitP95Ms,
    format: (v) => formatMs(v),
    labOnly: true,
  },
  { label: 'trigger rejections', pick: (r) => r.trigger.rejected, format: (v) => String(v) },
  { label: 'trigger failures', pick: (r) => r.trigger.errors, format: (v) => String(v) },
];

/** How a run was loaded, in one line of the diff's header. */
function loadOf(report: Report): string {
  const c = report.config;
  if (!c.service)
    return `${c.durationS} s per strategy at ${c.probeRate} probe/s and ${c.triggerRate} trigger/s (${c.workload} ${c.workloadMs} ms)`;
  const variants = c.service.variants
    .map((v) => `${v.name} ${v.ratePerS}/s at ${v.targetUrl}`)
    .join(', ');
  return `${c.durationS} s per variant at ${c.probeRate} probe/s of ${c.service.probe} (${variants})`;
}

/** What must match for two runs' numbers to compare: the rates and what each row sends. */
function loadKey(c: RunConfig): string {
  const rows = c.service
    ? c.service.variants.map((v) => [v.name, v.ratePerS, v.request?.method, v.targets?.count])
    : [c.triggerRate, c.workload, c.workloadMs];
  return JSON.stringify([c.probeRate, c.service?.probe ?? null, rows]);
}

/** Where a row's lag max came from, when the run knows (your own service's rows). */
function lagSource(result: StrategyResult): string | undefined {
  const resolution = result.resolution?.['eventLoop.lagMaxMs'];
  if (!resolution) return undefined;
  const how = describeResolution(resolution, true);
  return resolution.source ? `${how} (${resolution.source})` : how;
}

/** A Markdown comparison of two runs (before → after a change), row by row. */
export function renderDiff(before: Report, after: Report): string {
  const lines = [
    `# looplab diff: ${before.runId} → ${after.runId}`,
    '',
    `Before: ${before.createdAt}, ${loadOf(before)}.`,
    `After: ${after.createdAt}, ${loadOf(after)}.`,
  ];
  const sameLoad = loadKey(before.config) === loadKey(after.config);
  if (!sameLoad)
    lines.push('', '> The two runs used different load or workload settings: compare with care.');
  // Rows match by name: the strategy, with target, workload and tracing where a run varies them.
  const rows = [
    ...new Set([...before.strategies, ...after.strategies].map((result) => result.row)),
  ];
  // Your own service's probe is named (the lab's is /ping, as its labels have always said).
  const probe = after.config.service ? `probe ${termsOf(after.config).probe}` : 'probe';
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
      if (row.labOnly && after.config.service) continue;
      const x = row.pick(a);
      const y = row.pick(b);
      const label = row.label.replace('probe', probe);
      lines.push(
        `| ${label} | ${row.format(x)} | ${row.format(y)} | ${formatRatio(ratio(y, x))} |`,
      );
    }
    // Lag read differently before and after (say, probe only, then with an instrument) is said.
    const sources = [lagSource(a), lagSource(b)];
    if (sources.some(Boolean))
      lines.push(
        '',
        sources[0] === sources[1]
          ? `_Event-loop lag max: ${sources[0]}._`
          : `_Event-loop lag max before: ${sources[0] ?? 'not read'}; after: ${sources[1] ?? 'not read'}._`,
      );
  }
  return `${lines.join('\n')}\n`;
}
