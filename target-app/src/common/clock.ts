/** Epoch milliseconds with sub-millisecond precision, comparable across threads and processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
