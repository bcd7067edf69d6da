import type { StrategyResult } from '../model.js';
import { cellOf, groupOf } from './rows.js';

/** Rows in groups of the same target, workload and tracing, in run order. */
export function groupsOf(results: StrategyResult[]): StrategyResult[][] {
  const groups = new Map<string, StrategyResult[]>();
  for (const result of results) {
    const key = groupOf(cellOf(result));
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()];
}

/** "fastapi, sleep, tracing off": what a group's rows share, as far as the run varies it. */
export function groupLabel(group: StrategyResult[]): string {
  const first = group[0];
  return first ? [first.target, first.workload, `tracing ${first.instrumentation}`].join(', ') : '';
}
