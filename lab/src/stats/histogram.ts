/**
 * Quantiles from cumulative Prometheus histogram buckets, computed on the *increase* between
 * two scrapes exactly as PromQL `histogram_quantile(q, increase(x_bucket[...]))` would.
 * A bucket is [upperBoundSeconds, cumulativeCount]; the +Inf bucket has upper bound Infinity.
 */

export type Bucket = [upperBound: number, count: number];

/**
 * Per-bucket increase from `before` to `after` (cumulative buckets), sorted by upper bound.
 * Buckets are matched by upper bound; a bound missing from `before` counts as 0 there.
 * If any bucket decreased, the histogram was reset in between (process restart): as
 * Prometheus' increase() does, the `after` values are then taken as the whole increase.
 * An empty `before` means "from the start": the increase is `after` itself.
 */
export function bucketIncrease(
  before: ReadonlyArray<readonly [number, number]>,
  after: ReadonlyArray<readonly [number, number]>,
): Bucket[] {
  const prev = new Map<number, number>();
  for (const [le, count] of before) prev.set(le, count);
  const sorted = [...after].sort((x, y) => x[0] - y[0]);
  const reset = sorted.some(([le, count]) => count < (prev.get(le) ?? 0));
  return sorted.map(([le, count]) => [le, reset ? count : count - (prev.get(le) ?? 0)]);
}

/** A quantile and the bucket it was interpolated in: [low, high], in the buckets' unit. */
export interface BucketQuantile {
  value: number;
  low: number;
  high: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1), in the buckets' unit (seconds), of the observations made between
 * the two scrapes. Follows Prometheus' bucketQuantile (promql/quantile.go):
 * - linear interpolation inside the bucket the rank falls in; the first bucket's lower bound is 0
 *   (or, if its upper bound is ≤ 0, that upper bound is returned);
 * - if the rank falls in the +Inf bucket, the upper bound of the last finite bucket is returned;
 * - NaN when there were no observations, when there is no +Inf bucket, or with < 2 buckets;
 * - q < 0 gives −Infinity, q > 1 gives +Infinity, NaN q gives NaN (as PromQL does).
 */
export function quantileFromBuckets(
  bucketsBefore: ReadonlyArray<readonly [number, number]>,
  bucketsAfter: ReadonlyArray<readonly [number, number]>,
  q: number,
): number {
  return quantileInBucket(bucketIncrease(bucketsBefore, bucketsAfter), q).value;
}

/**
 * The q-quantile of a bucket increase (quantileFromBuckets' rules) with the bounds of the bucket
 * it fell in: a histogram cannot place it more precisely. Low and high are NaN when the value is
 * not from one bucket (no observations; a rank in the +Inf bucket has low = the last finite
 * bound and high = +Inf).
 */
export function quantileInBucket(
  increase: ReadonlyArray<readonly [number, number]>,
  q: number,
): BucketQuantile {
  const none = { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  if (Number.isNaN(q)) return none;
  if (q < 0) return { ...none, value: Number.NEGATIVE_INFINITY };
  if (q > 1) return { ...none, value: Number.POSITIVE_INFINITY };

  const buckets = coalesce([...increase].sort((x, y) => x[0] - y[0]) as Bucket[]);
  const last = buckets.at(-1);
  if (last === undefined || last[0] !== Number.POSITIVE_INFINITY) return none;
  if (buckets.length < 2) return none;
  // Cumulative counts must not decrease (they can, slightly, after floating-point rate maths).
  let running = 0;
  for (const b of buckets) {
    running = Math.max(running, b[1]);
    b[1] = running;
  }
  const observations = last[1];
  if (!(observations > 0)) return none;

  let rank = q * observations;
  const b = buckets.findIndex(([, count]) => count >= rank);
  if (b === buckets.length - 1) {
    const bound = (buckets[buckets.length - 2] as Bucket)[0];
    return { value: bound, low: bound, high: Number.POSITIVE_INFINITY };
  }
  const [upper, cumulative] = buckets[b] as Bucket;
  if (b === 0 && upper <= 0) return { value: upper, low: upper, high: upper };

  let lower = 0;
  let count = cumulative;
  if (b > 0) {
    const [prevUpper, prevCount] = buckets[b - 1] as Bucket;
    lower = prevUpper;
    count -= prevCount;
    rank -= prevCount;
  }
  return { value: lower + (upper - lower) * (rank / count), low: lower, high: upper };
}

/** Merges buckets with the same upper bound (summing counts), input sorted by bound. */
function coalesce(sorted: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const [le, count] of sorted) {
    const prev = out.at(-1);
    if (prev && prev[0] === le) prev[1] += count;
    else out.push([le, count]);
  }
  return out;
}

/** Upper bound of the highest bucket holding at least minCount observations; NaN if none or +Inf. */
export function highestBucketBound(
  increases: ReadonlyArray<readonly [number, number]>,
  minCount: number,
): number {
  const sorted = [...increases].sort((a, b) => a[0] - b[0]);
  let bound = Number.NaN;
  let previous = 0;
  for (const [le, cumulative] of sorted) {
    if (cumulative - previous >= minCount) bound = le;
    previous = Math.max(previous, cumulative);
  }
  return Number.isFinite(bound) ? bound : Number.NaN;
}
