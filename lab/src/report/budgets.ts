import { readFileSync } from 'node:fs';
import {
  type Budget,
  type BudgetResult,
  STRATEGIES,
  type Strategy,
  type StrategyResult,
} from '../model.js';
import { ratio } from '../stats/percentiles.js';

const METRICS: Array<Budget['metric']> = [
  'probe.p50',
  'probe.p95',
  'probe.p99',
  'probe.max',
  'eventLoop.lagMaxMs',
];

export class BudgetFileError extends Error {
  constructor(path: string, problem: string) {
    super(`budget file ${path}: ${problem}`);
    this.name = 'BudgetFileError';
  }
}

/** Reads `{ "budgets": [...] }`, checking every entry so a typo fails loudly, not silently. */
export function loadBudgets(path: string): Budget[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BudgetFileError(path, error instanceof Error ? error.message : String(error));
  }
  const list = (parsed as { budgets?: unknown } | null)?.budgets;
  if (!Array.isArray(list))
    throw new BudgetFileError(path, 'expected an object with a "budgets" array');
  return list.map((entry: Partial<Budget> | null, index) => {
    const where = `budgets[${index}]`;
    if (typeof entry?.name !== 'string' || entry.name === '')
      throw new BudgetFileError(path, `${where}.name must be a non-empty string`);
    if (!STRATEGIES.includes(entry.strategy as Strategy)) {
      throw new BudgetFileError(path, `${where}.strategy must be one of ${STRATEGIES.join(', ')}`);
    }
    if (!METRICS.includes(entry.metric as Budget['metric'])) {
      throw new BudgetFileError(path, `${where}.metric must be one of ${METRICS.join(', ')}`);
    }
    const hasRatio = typeof entry.maxRatio === 'number' && entry.maxRatio > 0;
    const hasMs = typeof entry.maxMs === 'number' && entry.maxMs > 0;
    if (hasRatio === hasMs)
      throw new BudgetFileError(
        path,
        `${where} needs exactly one of maxRatio or maxMs (a positive number)`,
      );
    // Keep only the limit that counts, so a `"maxRatio": null` next to maxMs is not read as a ratio.
    const { maxRatio, maxMs, ...rest } = entry;
    return (hasRatio ? { ...rest, maxRatio } : { ...rest, maxMs }) as Budget;
  });
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
 * Checks each budget whose strategy was measured. A ratio budget's actual and limit are
 * ratios to the baseline's same metric (without a baseline it cannot pass); an absolute
 * budget's are milliseconds.
 */
export function evaluateBudgets(
  budgets: Budget[],
  results: StrategyResult[],
  baseline: Strategy,
): BudgetResult[] {
  const byStrategy = new Map(results.map((result) => [result.strategy, result]));
  const base = byStrategy.get(baseline);
  return budgets.flatMap((budget) => {
    const result = byStrategy.get(budget.strategy);
    if (!result) return [];
    const value = metricValue(result, budget.metric);
    const actual =
      budget.maxRatio === undefined
        ? value
        : ratio(value, base ? metricValue(base, budget.metric) : Number.NaN);
    const limit = budget.maxRatio ?? budget.maxMs ?? Number.NaN;
    return [{ ...budget, actual, limit, passed: Number.isFinite(actual) && actual <= limit }];
  });
}
