import type { Resolution, ResolvedFigure, StrategyResult } from '../model.js';

/** Where a row's figure really lies, when the run knows (null bounds after JSON: unbounded). */
export function rangeOf(result: StrategyResult, figure: ResolvedFigure): Resolution | undefined {
  return result.resolution?.[figure];
}

/**
 * Whether the run cannot tell two rows' figure apart: both have a range and the ranges overlap
 * (a histogram put both in one bucket, or their confidence intervals meet). Without ranges the
 * numbers are taken as they are.
 */
export function tie(a: StrategyResult, b: StrategyResult, figure: ResolvedFigure): boolean {
  const x = rangeOf(a, figure);
  const y = rangeOf(b, figure);
  if (!x || !y) return false;
  const high = (r: Resolution) => r.high ?? Number.POSITIVE_INFINITY;
  return x.low <= high(y) && y.low <= high(x);
}
