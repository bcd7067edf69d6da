/**
 * The metric table of docs/metrics.md, rendered from data/metrics.json, between two marker
 * comments so the prose around it stays hand-written. scripts/metrics-doc.mjs writes it (or
 * checks it with --check); metrics-doc.spec.ts fails when the committed table is stale.
 */
import { METRIC_LIST, type MetricDefinition } from './metrics.js';
import { STRATEGIES } from './strategies.js';

export const TABLE_START =
  '<!-- metrics-table:start: generated from contract/data/metrics.json by `npm run docs -w contract`, do not edit -->';
export const TABLE_END = '<!-- metrics-table:end -->';

const code = (text: string): string => `\`${text}\``;

function strategiesCell(metric: MetricDefinition): string {
  if (metric.strategies) return metric.strategies.map(code).join(', ');
  if (metric.labels.includes('strategy')) return 'all';
  return '';
}

function row(metric: MetricDefinition): string[] {
  return [
    code(metric.name),
    metric.type,
    metric.labels.map(code).join(', '),
    metric.source.join(', '),
    metric.runtimes.join(', '),
    strategiesCell(metric),
    metric.help.replaceAll('|', '\\|'),
  ];
}

/** A Markdown table with padded columns (the layout the repository's docs use). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The generated block, markers included. */
export function metricsTable(): string {
  const header = ['Name', 'Type', 'Labels', 'Exported by', 'Apps', 'Strategies', 'Help'];
  const strategyCount = STRATEGIES.length;
  return [
    TABLE_START,
    '',
    table(header, METRIC_LIST.map(row)),
    '',
    `Exported by: \`app\` a target app's \`/metrics\`, \`worker\` the Node app's queue worker, \`loadgen\` the load generator (\`looplab compare --metrics-port\`). Strategies: the ones whose work produces samples (\`all\` = every strategy of the ${strategyCount} in \`contract/data/strategies.json\` that the app runs).`,
    '',
    TABLE_END,
  ].join('\n');
}

/** `doc` with the block between the markers replaced; throws when the markers are missing. */
export function withMetricsTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`docs/metrics.md has no ${TABLE_START} ... ${TABLE_END} block`);
  }
  return doc.slice(0, start) + metricsTable() + doc.slice(end + TABLE_END.length);
}
