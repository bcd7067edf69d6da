import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/fixtures/sample-report.js';
import type { Cell } from '../model.js';
import { blankStrategyResult } from '../report/__fixtures__/strategy-result.js';
import { assembleReport } from '../report/assemble.js';
import type { CellResult } from '../report/figures/cell.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { matrixTables } from './matrix-tables.js';

/** A row with only a probe p99 and throughput, in a cell of the matrix. */
function row(cell: Cell, p99: number, rps = 50): CellResult {
  const { ratios: _ratios, row: _row, ...blank } = blankStrategyResult(cell.strategy);
  return { ...blank, ...cell, probe: { ...blank.probe, p99, throughputRps: rps } };
}

const base = sampleReport();

function reportOf(rows: CellResult[]) {
  return assembleReport(
    {
      source: 'local',
      config: base.config,
      environment: base.environment,
      createdAt: base.createdAt,
    },
    rows.map((result) => ({ result, series: [] })),
    [],
  );
}

const cell = (
  strategy: Cell['strategy'],
  workload: Cell['workload'],
  instrumentation: Cell['instrumentation'] = 'on',
  target: Cell['target'] = 'fastapi',
): Cell => ({ target, strategy, workload, instrumentation });

describe('matrix tables', () => {
  it('has none for a plain run', () => {
    expect(matrixTables(base)).toEqual([]);
  });

  it('puts strategy x workload probe p99s side by side, each against its own workload’s baseline', () => {
    const report = reportOf([
      row(cell('async', 'cpu'), 4),
      row(cell('threadpool', 'cpu'), 400),
      row(cell('async', 'sleep'), 4),
      row(cell('threadpool', 'sleep'), 6),
    ]);
    const [table] = matrixTables(report);
    expect(table?.head).toEqual(['strategy', 'cpu', 'sleep']);
    expect(table?.rows).toEqual([
      ['async', '4.0 (1.00×)', '4.0 (1.00×)'],
      ['threadpool', '400.0 (100×)', '6.0 (1.50×)'],
    ]);
    expect(report.strategies.map((r) => r.row)).toEqual([
      'async · cpu',
      'threadpool · cpu',
      'async · sleep',
      'threadpool · sleep',
    ]);
    expect(renderMarkdown(report)).toContain('| threadpool | 400.0 (100×) | 6.0 (1.50×) |');
    expect(renderHtml(report)).toContain('id="workload-matrix"');
  });

  it('shows what tracing costs the probe under each strategy: p99 and throughput on / off', () => {
    const report = reportOf([
      row(cell('async', 'cpu', 'off', 'node'), 2, 50),
      row(cell('pooled', 'cpu', 'off', 'node'), 3, 50),
      row(cell('async', 'cpu', 'on', 'node'), 3, 49),
      row(cell('pooled', 'cpu', 'on', 'node'), 6, 45),
    ]);
    const [table] = matrixTables(report);
    expect(table?.id).toBe('tracing-cost');
    expect(table?.rows).toEqual([
      ['async', '2.0', '3.0', '1.50×', '0.98×'],
      ['pooled', '3.0', '6.0', '2.00×', '0.90×'],
    ]);
    // Ratios to the baseline stay within a tracing mode.
    expect(report.strategies.map((r) => r.ratios.probeP99)).toEqual([1, 1.5, 1, 2]);
  });
});
