/**
 * Calls `log` for the first event and then at most once per interval, with how many were
 * skipped: a Redis outage makes the client report an error on every reconnect attempt.
 */
export function throttled<T>(intervalMs: number, log: (event: T, skipped: number) => void) {
  let last = Number.NEGATIVE_INFINITY;
  let skipped = 0;
  return (event: T): void => {
    const now = Date.now();
    if (now - last < intervalMs) {
      skipped++;
      return;
    }
    last = now;
    log(event, skipped);
    skipped = 0;
  };
}
