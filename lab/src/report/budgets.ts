import { readFileSync } from 'node:fs';
import { parseThresholds } from '../load/thresholds.js';
import type { Budget, BudgetResult, Strategy, StrategyResult } from '../model.js';
import { schemaProblem } from '../schemas.js';
import { ratio } from '../stats/percentiles.js';

export class BudgetFileError extends Error {
  constructor(path: string, problem: string) {
    super(`budget file ${path}: ${problem}`);
    this.name = 'BudgetFileError';
  }
}

/**
 * Reads `{ "budgets": [...] }`, checking every entry (load/thresholds.ts): its names are the
 * contract's strategies, or `names` (a run of your own service: its variants).
 */
export function loadBudgets(path: string, names?: readonly string[]): Budget[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BudgetFileError(path, error instanceof Error ? error.message : String(error));
  }
  const problem = schemaProblem('budgets', parsed);
  if (problem) throw new BudgetFileError(path, `${problem} (lab/schema/budgets.schema.json)`);
  const { budgets } = parsed as { budgets: Partial<Budget>[] };
  return parseThresholds(
    budgets,
    'budgets',
    (problem) => {
      throw new BudgetFileError(path, problem);
    },
    names,
  );
}

export function metricValue(result: StrategyResult, metric: Budget['metric']): number {
  switch (metric) {
    case 'probe.p50':
      return result.probe.p50;
    case 'probe.p95':
      return result.probe.p95;
    case 'probe.p99':
      return result.probe.p99;
    case 'probe.max':
      return result.probe.max;
    case 'eventLoop.lagMaxMs':
      return result.eventLoop.lagMaxMs;
  }
}

/**
 * Checks each budget whose strategy was measured. A ratio budget's actual and limit are ratios
 * to `relativeTo`'s (default: the baseline's) same metric; a margin budget's are ms, the limit
 * being the reference's value plus the margin; an absolute budget's are ms. Without its
 * reference strategy in the run, a relative budget cannot pass.
 */
export function evaluateBudgets(
  budgets: Budget[],
  results: StrategyResult[],
  baseline: Strategy,
): BudgetResult[] {
  const byStrategy = new Map(results.map((result) => [result.strategy, result]));
  return budgets.flatMap((budget) => {
    const result = byStrategy.get(budget.strategy);
    if (!result) return [];
    const value = metricValue(result, budget.metric);
    const reference = byStrategy.get(budget.relativeTo ?? baseline);
    const referenceValue = reference ? metricValue(reference, budget.metric) : Number.NaN;
    let actual = value;
    let limit = budget.maxMs ?? Number.NaN;
    if (budget.maxRatio !== undefined) {
      actual = ratio(value, referenceValue);
      limit = budget.maxRatio;
    } else if (budget.maxOverMs !== undefined) {
      limit = referenceValue + budget.maxOverMs;
    }
    const passed = Number.isFinite(actual) && Number.isFinite(limit) && actual <= limit;
    return [{ ...budget, actual, limit, passed }];
  });
}
