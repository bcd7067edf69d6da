/**
 * Percentiles of raw samples (client-side latencies).
 *
 * Definition used everywhere in looplab: linear interpolation between the two closest ranks
 * (Hyndman & Fan type 7, the default of numpy/R, Excel PERCENTILE.INC, and k6's p(N)):
 * for n sorted values x[0..n-1] and 0 ≤ q ≤ 1, h = (n − 1)·q and
 * P(q) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * So P(0) is the min, P(1) the max, and P(0.5) of 1..100 is 50.5. An empty input gives NaN.
 */

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** q-quantile (0 ≤ q ≤ 1) of values already sorted ascending; NaN when there are none. */
export function percentile(sortedValues: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const n = sortedValues.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sortedValues[lo] as number;
  const b = sortedValues[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Sorts a copy ascending (numeric, not lexicographic). */
export function sortNumbers(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** Count, p50/p90/p95/p99 and max of unsorted values; the statistics are NaN when empty. */
export function summarize(values: readonly number[]): Summary {
  const sorted = sortNumbers(values);
  const n = sorted.length;
  return {
    count: n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
  };
}

/** a / b, or NaN when b ≤ 0 or either side is not a finite number (never Infinity). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return Number.NaN;
  return a / b;
}

/** z of a two-sided 95 % interval. */
const Z95 = 1.959964;

/**
 * A 95 % confidence interval of the q-quantile of the population `sortedValues` were drawn from,
 * by order statistics (no assumption on the distribution's shape): the number of samples below
 * the true quantile is Binomial(n, q), so the interval runs from the value of rank
 * ⌊nq − z·√(nq(1 − q))⌋ to that of rank ⌈nq + z·√(nq(1 − q))⌉ (1-based, clamped to the sample).
 * NaN bounds when there are no samples.
 */
export function percentileInterval(
  sortedValues: readonly number[],
  q: number,
): { low: number; high: number } {
  const n = sortedValues.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const spread = Z95 * Math.sqrt(n * q * (1 - q));
  const rank = (r: number) => Math.min(n, Math.max(1, r));
  return {
    low: sortedValues[rank(Math.floor(n * q - spread)) - 1] as number,
    high: sortedValues[rank(Math.ceil(n * q + spread)) - 1] as number,
  };
}
