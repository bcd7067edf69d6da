import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Budget } from '../model.js';
import { loadBudgets } from '../report/budgets.js';
import { REPO_ROOT } from '../tools/index.js';

/** The budgets `compare` and `report` check unless told otherwise (absent: none). */
export const DEFAULT_BUDGETS = resolve(REPO_ROOT, 'looplab.budgets.json');

/**
 * `--budgets <file>` / `--no-budgets`: a missing default file means no budgets, any other is an
 * error. `names`: the variants of a run of your own service, which the lab's default file (about
 * its strategies) does not apply to.
 */
export function budgetsFrom(path: string | false, names?: readonly string[]): Budget[] {
  if (path === false || (names && path === DEFAULT_BUDGETS)) return [];
  if (!existsSync(path)) {
    if (path === DEFAULT_BUDGETS) return [];
    throw new Error(`budget file not found: ${path}`);
  }
  return loadBudgets(path, names);
}

/**
 * Exit codes: 0 ok, 1 error, 2 bad usage (commander), 3 a budget was broken, 4 a report of your
 * own service whose requests failed (report.json's `problems`), 130 interrupted.
 */
export const EXIT_BUDGET_BROKEN = 3;
export const EXIT_INCOMPLETE = 4;
