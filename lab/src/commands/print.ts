import { formatBudgetValue } from '../format.js';
import type { Report } from '../model.js';

/** Prints each budget's outcome; returns true when every budget passed (or there were none). */
export function printBudgetSummary(report: Report): boolean {
  if (report.budgets.length === 0) return true;
  for (const budget of report.budgets) {
    const mark = budget.passed ? 'PASS' : 'FAIL';
    console.log(
      `  budget ${mark}: ${budget.name} (actual ${formatBudgetValue(budget, budget.actual)}, limit ${formatBudgetValue(budget, budget.limit)})`,
    );
  }
  const broken = report.budgets.filter((budget) => !budget.passed).length;
  if (broken > 0) console.log(`${broken} budget(s) broken`);
  return broken === 0;
}
