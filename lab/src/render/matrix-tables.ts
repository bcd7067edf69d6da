import { formatMs, formatRatio } from '../format.js';
import type { Cell, Report, StrategyResult } from '../model.js';
import { cellOf, dimensionsOf, sameCellKey } from '../report/rows.js';
import { ratio } from '../stats/percentiles.js';

/**
 * The extra tables a matrix run gets, as formatted text, rendered by report.md and report.html
 * alike: strategy × workload when several workloads ran ("the thread pool helps sleep, not CPU"
 * as a number), and what tracing costs the probe under each strategy when it ran off and on.
 */
export interface TextTable {
  id: string;
  title: string;
  note: string;
  head: string[];
  rows: string[][];
  /** Columns of words rather than numbers (aligned left); the first always is. */
  textColumns?: number[];
}

const label = (result: StrategyResult, withTarget: boolean) =>
  withTarget ? `${result.target} ${result.strategy}` : result.strategy;

export function matrixTables(report: Report): TextTable[] {
  const cells = report.strategies.map((result) => cellOf(result));
  const dims = dimensionsOf(cells);
  const tables: TextTable[] = [];
  if (dims.workloads.length > 1)
    tables.push(workloadTable(report, dims.workloads, dims.targets.length > 1));
  if (dims.instrumentation.includes('off') && dims.instrumentation.includes('on'))
    tables.push(tracingTable(report, dims.targets.length > 1, dims.workloads.length > 1));
  return tables;
}

/** Probe p99 per strategy (rows) and workload (columns), with tracing on where it ran both ways. */
function workloadTable(report: Report, workloads: string[], withTarget: boolean): TextTable {
  const cells = report.strategies.map((result) => cellOf(result));
  const tracing = cells.some((cell) => cell.instrumentation === 'on') ? 'on' : 'off';
  const rows = new Map<string, Map<string, StrategyResult>>();
  report.strategies.forEach((result, index) => {
    if (cells[index]?.instrumentation !== tracing) return;
    const name = label(result, withTarget);
    const row = rows.get(name) ?? new Map<string, StrategyResult>();
    row.set(cells[index]?.workload ?? '', result);
    rows.set(name, row);
  });
  return {
    id: 'workload-matrix',
    title: 'Probe /ping p99 by strategy and workload',
    note: `Client-side p99 in ms, and in brackets × the baseline under the same workload${cells.some((c) => c.instrumentation !== tracing) ? ` (tracing ${tracing})` : ''}.`,
    head: ['strategy', ...workloads],
    rows: [...rows.entries()].map(([name, byWorkload]) => [
      name,
      ...workloads.map((workload) => {
        const result = byWorkload.get(workload);
        return result
          ? `${formatMs(result.probe.p99)} (${formatRatio(result.ratios?.probeP99)})`
          : '';
      }),
    ]),
  };
}

/** Per strategy, tracing on over tracing off: the probe's p99 and throughput. */
function tracingTable(report: Report, withTarget: boolean, withWorkload: boolean): TextTable {
  const cells = report.strategies.map((result) => cellOf(result));
  const byKey = new Map(
    report.strategies.map((result, i) => [sameCellKey(cells[i] as Cell), result]),
  );
  const rows: string[][] = [];
  report.strategies.forEach((on, index) => {
    const cell = cells[index];
    if (cell?.instrumentation !== 'on') return;
    const off = byKey.get(sameCellKey(cell, 'off'));
    if (!off) return;
    rows.push([
      label(on, withTarget),
      ...(withWorkload ? [cell.workload] : []),
      formatMs(off.probe.p99),
      formatMs(on.probe.p99),
      formatRatio(ratio(on.probe.p99, off.probe.p99)),
      formatRatio(ratio(on.probe.throughputRps, off.probe.throughputRps)),
    ]);
  });
  return {
    id: 'tracing-cost',
    title: 'What tracing costs the probe',
    note: 'The same strategy and load with LOOPLAB_INSTRUMENTATION off and on; ratios are on / off (p99 above 1× and throughput below 1× are the cost).',
    head: [
      'strategy',
      ...(withWorkload ? ['workload'] : []),
      'p99 off (ms)',
      'p99 on (ms)',
      'p99 on / off',
      'throughput on / off',
    ],
    rows,
  };
}
