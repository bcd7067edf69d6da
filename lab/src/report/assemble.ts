import { BASELINE_STRATEGY } from '@looplab/contract';
import {
  type Budget,
  type Cell,
  type Environment,
  type RawRun,
  type Report,
  type RunConfig,
  type SeriesPoint,
  type StrategyResult,
} from '../model.js';
import { seriesOf, summarizeRun } from '../sources/local/summarize-run.js';
import { ratio } from '../stats/percentiles.js';
import { evaluateBudgets } from './budgets.js';
import { groupLabel, groupsOf } from './groups.js';
import { cellOf, dimensionsOf, groupOf, rowLabel } from './rows.js';
import { writeVerdict } from './verdict.js';

export const TOOL_VERSION = '0.1.0';

/** What a report is assembled from, wherever the numbers came from (raw.json or Prometheus). */
export interface ReportParts {
  config: RunConfig;
  environment: Environment;
  /** Per row, in run order, everything but the ratios (which need the baseline). */
  results: Array<Omit<StrategyResult, 'ratios'>>;
  /** Per row, the same order as results: its points, one per second. */
  series: SeriesPoint[][];
  createdAt: string;
  source?: Report['source'];
}

/**
 * Ratios to the baseline, verdict and budgets on top of per-row results: every Report is made
 * here. Rows are compared within their group (same target, workload and tracing).
 */
export function assembleReport(parts: ReportParts, budgets: Budget[]): Report {
  const cells = parts.results.map((result) => cellOf(result, parts.config));
  const dims = dimensionsOf(cells);
  const strategies: StrategyResult[] = parts.results.map((result, index) => {
    const cell = cells[index] as Cell;
    const base = parts.results.find(
      (other, j) =>
        other.strategy === BASELINE_STRATEGY && groupOf(cells[j] as Cell) === groupOf(cell),
    );
    return {
      ...result,
      ...cell,
      row: rowLabel(cell, dims),
      ratios: {
        probeP50: ratio(result.probe.p50, base?.probe.p50 ?? Number.NaN),
        probeP95: ratio(result.probe.p95, base?.probe.p95 ?? Number.NaN),
        probeP99: ratio(result.probe.p99, base?.probe.p99 ?? Number.NaN),
        probeMax: ratio(result.probe.max, base?.probe.max ?? Number.NaN),
        lagMax: ratio(result.eventLoop.lagMaxMs, base?.eventLoop.lagMaxMs ?? Number.NaN),
      },
    };
  });
  const series = parts.series.flatMap((points, index) =>
    points.map((point) => ({ ...point, row: strategies[index]?.row ?? point.strategy })),
  );
  return {
    schemaVersion: 1,
    tool: { name: 'looplab', version: TOOL_VERSION },
    runId: parts.config.runId,
    createdAt: parts.createdAt,
    ...(parts.source ? { source: parts.source } : {}),
    config: parts.config,
    environment: parts.environment,
    baseline: BASELINE_STRATEGY,
    strategies,
    series,
    verdict: writeVerdict(strategies, BASELINE_STRATEGY),
    budgets: groupsOf(strategies).flatMap((group, _i, all) =>
      evaluateBudgets(budgets, group, BASELINE_STRATEGY).map((result) =>
        all.length > 1 ? { ...result, name: `${result.name} (${groupLabel(group)})` } : result,
      ),
    ),
  };
}

/** Derives the whole report from a run's raw data; pure, so a saved raw.json rebuilds it exactly. */
export function buildReport(
  raw: RawRun,
  budgets: Budget[],
  // The run's own date, so a report rebuilt from raw.json is identical to the first one.
  createdAt = raw.finishedAt,
): Report {
  return assembleReport(
    {
      config: raw.config,
      environment: raw.environment,
      results: raw.runs.map(summarizeRun),
      series: raw.runs.map((run) => seriesOf(run, raw.config.probeRate)),
      createdAt,
    },
    budgets,
  );
}

export { summarizeRun };
