import { isStrategyName, STRATEGY_NAMES } from '@looplab/contract';
import { BUDGET_METRICS, type Budget, type BudgetMetric } from '../model.js';

const LIMITS = ['maxRatio', 'maxOverMs', 'maxMs'] as const;

/**
 * Checks what the schema (lab/schema/common.schema.json, threshold) cannot: the row names (the
 * contract's strategies, or the variants of a run of your own service: `names`), exactly one
 * limit, and relativeTo only with a relative limit. For a preset's thresholds in
 * load/scenarios.json or a --budgets file that already match the schema, so a typo fails loudly
 * instead of silently passing. `fail(problem)` must throw.
 */
export function parseThresholds(
  list: readonly Partial<Budget>[],
  where: string,
  fail: (problem: string) => never,
  names: readonly string[] = STRATEGY_NAMES,
): Budget[] {
  const known = (name: unknown) =>
    names === STRATEGY_NAMES ? isStrategyName(String(name)) : names.includes(String(name));
  return list.map((checked, index) => {
    const at = `${where}[${index}]`;
    if (!known(checked.strategy)) fail(`${at}.strategy must be one of ${names.join(', ')}`);
    if (!BUDGET_METRICS.includes(checked.metric as BudgetMetric))
      fail(`${at}.metric must be one of ${BUDGET_METRICS.join(', ')}`);
    if (checked.relativeTo !== undefined && !known(checked.relativeTo))
      fail(`${at}.relativeTo must be one of ${names.join(', ')}`);
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
