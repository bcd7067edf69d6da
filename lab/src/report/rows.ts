import type { Cell, CellInstrumentation, CellWorkload, Target } from '../model.js';

/** A report row is one cell of the run's matrix (target × tracing × workload × strategy). */
export function cellOf(result: Cell): Cell {
  return {
    target: result.target,
    strategy: result.strategy,
    workload: result.workload,
    instrumentation: result.instrumentation,
  };
}

export interface Dimensions {
  targets: Target[];
  workloads: CellWorkload[];
  instrumentation: CellInstrumentation[];
}

/** Which coordinates the run's rows take (in run order). */
export function dimensionsOf(results: readonly Cell[]): Dimensions {
  return {
    targets: [...new Set(results.map((cell) => cell.target))],
    workloads: [...new Set(results.map((cell) => cell.workload))],
    instrumentation: [...new Set(results.map((cell) => cell.instrumentation))],
  };
}

/**
 * The row's name: the strategy, preceded by the target and followed by the workload and the
 * tracing mode where the run has more than one of them ("fastapi threadpool · sleep").
 */
export function rowLabel(cell: Cell, dims: Dimensions): string {
  const head = dims.targets.length > 1 ? `${cell.target} ${cell.strategy}` : cell.strategy;
  return [
    head,
    dims.workloads.length > 1 ? cell.workload : '',
    dims.instrumentation.length > 1 ? `tracing ${cell.instrumentation}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Rows compared with each other (ratios to the baseline, budgets, the verdict's ranking) share
 * target, workload and tracing: async under sleep is the baseline of blocking under sleep.
 */
export function groupOf(cell: Cell): string {
  return `${cell.target}|${cell.workload}|${cell.instrumentation}`;
}

/** The same cell with tracing flipped: its partner in the tracing-cost table. */
export function sameCellKey(
  cell: Cell,
  instrumentation: CellInstrumentation = cell.instrumentation,
): string {
  return `${cell.target}|${cell.strategy}|${cell.workload}|${instrumentation}`;
}
