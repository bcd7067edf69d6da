import { formatBudgetSummary, formatBudgetValue, formatTimestamp } from '../format.js';
import type { BudgetResult, Report } from '../model.js';
import { termsOf } from '../report/terms.js';
import { matrixTables, type TextTable } from './matrix-tables.js';
import { provenanceTables } from './provenance.js';
import { configFacts, environmentFacts, type Fact } from './run-facts.js';
import { sourceNote } from './source-note.js';
import { stallTable } from './stall-table.js';
import { FAILING_MARK, RESOLUTION_NOTE, summaryColumns, summaryRows } from './summary-table.js';

/** report.md: verdict, comparison table, budgets and run facts; GitHub-flavoured, pastes into a PR. */
export function renderMarkdown(report: Report): string {
  const sections = [
    header(report),
    note(report),
    problems(report),
    `**Verdict:** ${report.verdict}`,
    results(report),
    ...[...matrixTables(report), ...provenanceTables(report)].map(textTable),
    stalls(report),
    budgets(report.budgets),
    facts('Run', [...configFacts(report), ...environmentFacts(report)]),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function header(report: Report): string {
  return [
    `# looplab report ${code(report.runId)}`,
    '',
    `Run ${code(report.runId)} · ${formatTimestamp(report.createdAt)} · ` +
      `${report.tool.name} ${report.tool.version} · baseline: ${report.baseline}`,
  ].join('\n');
}

function note(report: Report): string {
  const text = sourceNote(report);
  return text ? `> ${text}` : '';
}

/** Rows whose requests failed, before anything else: this report does not stand for them. */
function problems(report: Report): string {
  const list = report.problems ?? [];
  if (list.length === 0) return '';
  return [
    `> **Incomplete:** requests failed, so these rows measure a failing service, not its work:`,
    ...list.map((problem) => `> - ${escapeInline(problem)}`),
  ].join('\n');
}

function results(report: Report): string {
  const columns = summaryColumns(report);
  const head = [termsOf(report.config).row, ...columns.map((c) => c.flatLabel)];
  const align = [':---', ...columns.map(() => '---:')];
  const rows = summaryRows(report).map((row) => [
    `${row.row}${row.isBaseline ? ' (baseline)' : ''}${row.failing ? ` ${FAILING_MARK}` : ''}`,
    ...row.cells,
  ]);
  return [
    '## Results',
    '',
    tableLine(head),
    tableLine(align),
    ...rows.map(tableLine),
    '',
    '_Probe latency and throughput are client-side (as the load generator saw them, including ' +
      "time queued behind a blocked event loop). The server-side p99 is the app's own request " +
      'histogram, which starts only when the loop picks the request up: the gap between the two is ' +
      `the wait behind a blocked loop. Lag, utilization and task times are server-side too. ${RESOLUTION_NOTE}_`,
  ].join('\n');
}

function textTable(table: TextTable): string {
  return [
    `## ${table.title}`,
    '',
    tableLine(table.head),
    tableLine(
      table.head.map((_, i) => (i === 0 || table.textColumns?.includes(i) ? ':---' : '---:')),
    ),
    ...table.rows.map(tableLine),
    '',
    `_${table.note}_`,
  ].join('\n');
}

function stalls(report: Report): string {
  const table = stallTable(report);
  return table ? textTable(table) : '';
}

function budgets(list: BudgetResult[]): string {
  if (list.length === 0) return '';
  return [
    '## Budgets',
    '',
    formatBudgetSummary(list),
    '',
    tableLine(['', 'budget', 'actual', 'limit']),
    tableLine([':---:', ':---', '---:', '---:']),
    ...list.map((b) =>
      tableLine([
        b.passed ? '✅' : '❌',
        b.name,
        formatBudgetValue(b, b.actual),
        `≤ ${formatBudgetValue(b, b.limit)}`,
      ]),
    ),
  ].join('\n');
}

function facts(title: string, list: Fact[]): string {
  return [`## ${title}`, '', ...list.map((f) => `- **${f.label}:** ${escapeInline(f.value)}`)].join(
    '\n',
  );
}

function tableLine(cells: string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/** A table cell is one line and a `|` would end it. */
function escapeCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Free text (host names, CPU models) must not turn into HTML or emphasis. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_<>[\]]/g, (ch) => `\\${ch}`);
}

/** Inline code that survives backticks inside the value. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
