import { BASELINE_STRATEGY } from '@looplab/contract';
import { type Budget, type Report, SCHEMA_VERSION, type StrategyResult } from '../model.js';
import type { RunMeasurements } from '../sources/measurements.js';
import { ratio } from '../stats/percentiles.js';
import { evaluateBudgets } from './budgets.js';
import { type CellFigures, cellFigures } from './figures/cell.js';
import { groupLabel, groupsOf } from './groups.js';
import { problemsOf } from './problems.js';
import { cellOf, dimensionsOf, groupOf, rowLabel } from './rows.js';
import { stallVerdict } from './stall-verdict.js';
import { termsOf } from './terms.js';
import { writeVerdict } from './verdict.js';

export const TOOL_VERSION = '0.1.0';

export interface BuiltReport {
  report: Report;
  /** What the figures cannot know exactly (see CellFigures.notes). */
  notes: string[];
}

/**
 * Every Report is made here, from either source's measurements: each row's figures (the one
 * builder, report/figures), then ratios to the baseline, verdict and budgets. Rows are compared
 * within their group (same target, workload and tracing). Pure: the same measurements give the
 * same report.
 */
export function buildReport(measured: RunMeasurements, budgets: Budget[]): BuiltReport {
  const figures = measured.cells.map(cellFigures);
  return {
    report: assembleReport(measured, figures, budgets),
    notes: figures.flatMap((cell) => cell.notes),
  };
}

/** The report around rows' figures: their names, ratios to their baseline, verdict, budgets. */
export function assembleReport(
  measured: Omit<RunMeasurements, 'cells'>,
  figures: readonly Pick<CellFigures, 'result' | 'series'>[],
  budgets: Budget[],
): Report {
  const cells = figures.map(({ result }) => cellOf(result));
  const dims = dimensionsOf(cells);
  // Your own service's baseline is a variant of its run; the lab's, the contract's.
  const baseline = measured.config.service?.baseline ?? BASELINE_STRATEGY;
  const strategies: StrategyResult[] = figures.map(({ result }) => {
    const base = figures.find(
      (other) =>
        other.result.strategy === baseline &&
        groupOf(cellOf(other.result)) === groupOf(cellOf(result)),
    )?.result;
    return {
      ...result,
      row: rowLabel(cellOf(result), dims),
      ratios: {
        probeP50: ratio(result.probe.p50, base?.probe.p50 ?? Number.NaN),
        probeP95: ratio(result.probe.p95, base?.probe.p95 ?? Number.NaN),
        probeP99: ratio(result.probe.p99, base?.probe.p99 ?? Number.NaN),
        probeMax: ratio(result.probe.max, base?.probe.max ?? Number.NaN),
        lagMax: ratio(result.eventLoop.lagMaxMs, base?.eventLoop.lagMaxMs ?? Number.NaN),
      },
    };
  });
  const series = figures.flatMap(({ series: points }, index) =>
    points.map((point) => ({ ...point, row: strategies[index]?.row ?? point.strategy })),
  );
  const problems = problemsOf(strategies);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'looplab', version: TOOL_VERSION },
    runId: measured.config.runId,
    createdAt: measured.createdAt,
    source: measured.source,
    config: measured.config,
    environment: measured.environment,
    baseline,
    strategies,
    series,
    verdict: withStalls(
      writeVerdict(strategies, baseline, termsOf(measured.config)),
      stallVerdict(strategies),
    ),
    budgets: groupsOf(strategies).flatMap((group, _i, all) =>
      evaluateBudgets(budgets, group, baseline).map((result) =>
        all.length > 1 ? { ...result, name: `${result.name} (${groupLabel(group)})` } : result,
      ),
    ),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

/** The verdict, then what blocked the loop: a sentence more, or a paragraph after several. */
function withStalls(verdict: string, stalls: string): string {
  if (!stalls) return verdict;
  return `${verdict}${verdict.includes('\n\n') ? '\n\n' : ' '}${stalls}`;
}
