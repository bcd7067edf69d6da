import { type Runtime, STRATEGIES, strategiesOf } from '@looplab/contract';
import type { Instrumentation, LabCell, StrategyName, WorkloadKind } from '../model.js';

export interface Matrix {
  targets: readonly Runtime[];
  /** Strategy names, or every strategy of each target. */
  strategies: readonly StrategyName[] | 'all';
  workloads: readonly WorkloadKind[];
  instrumentation: readonly Instrumentation[];
}

/**
 * Every cell of a run, in run order: per target, per tracing mode, per workload, the strategies
 * that target has (contract order). A strategy asked for by name runs on each target that has it.
 */
export function cellsOf(matrix: Matrix): LabCell[] {
  const cells: LabCell[] = [];
  for (const target of matrix.targets) {
    const own = strategiesOf(target).map((s) => s.name);
    const strategies =
      matrix.strategies === 'all' ? own : own.filter((name) => matrix.strategies.includes(name));
    for (const instrumentation of matrix.instrumentation)
      for (const workload of matrix.workloads)
        for (const strategy of strategies)
          cells.push({ target, strategy, workload, instrumentation });
  }
  return cells;
}

/** Strategies asked for by name that no chosen target has: a usage error, named. */
export function unavailableStrategies(matrix: Matrix): StrategyName[] {
  if (matrix.strategies === 'all') return [];
  return matrix.strategies.filter(
    (name) =>
      !matrix.targets.some((target) =>
        STRATEGIES.find((s) => s.name === name)?.runtimes.includes(target),
      ),
  );
}
