import { isStrategyName, STRATEGY_NAMES } from '@looplab/contract';
import { BUDGET_METRICS, type Budget, type BudgetMetric } from '../model.js';

const LIMITS = ['maxRatio', 'maxOverMs', 'maxMs'] as const;

/**
 * Checks a list of thresholds (a preset's in load/scenarios.json, or a --budgets file) entry by
 * entry, so a typo fails loudly instead of silently passing. `fail(problem)` must throw.
 */
export function parseThresholds(
  list: unknown,
  where: string,
  fail: (problem: string) => never,
): Budget[] {
  if (!Array.isArray(list)) fail(`${where} must be an array`);
  return (list as Array<Partial<Budget> | null>).map((entry, index) => {
    const at = `${where}[${index}]`;
    if (typeof entry?.name !== 'string' || entry.name === '')
      fail(`${at}.name must be a non-empty string`);
    const checked = entry as Partial<Budget>;
    if (!isStrategyName(String(checked.strategy)))
      fail(`${at}.strategy must be one of ${STRATEGY_NAMES.join(', ')}`);
    if (!BUDGET_METRICS.includes(checked.metric as BudgetMetric))
      fail(`${at}.metric must be one of ${BUDGET_METRICS.join(', ')}`);
    if (checked.relativeTo !== undefined && !isStrategyName(String(checked.relativeTo)))
      fail(`${at}.relativeTo must be one of ${STRATEGY_NAMES.join(', ')}`);
    const given = LIMITS.filter(
      (key) => typeof checked[key] === 'number' && (checked[key] as number) > 0,
    );
    if (given.length !== 1)
      fail(`${at} needs exactly one of maxRatio, maxOverMs or maxMs (a positive number)`);
    const limit = given[0] as (typeof LIMITS)[number];
    if (limit === 'maxMs' && checked.relativeTo !== undefined)
      fail(`${at}.relativeTo only goes with maxRatio or maxOverMs`);
    // Keep only the limit that counts, so a `"maxRatio": null` next to maxMs is not read as a ratio.
    const budget: Budget = {
      name: checked.name as string,
      strategy: checked.strategy as Budget['strategy'],
      metric: checked.metric as BudgetMetric,
      [limit]: checked[limit],
    };
    if (checked.relativeTo !== undefined) budget.relativeTo = checked.relativeTo;
    return budget;
  });
}
