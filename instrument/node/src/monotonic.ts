/**
 * Now on the monotonic clock, in microseconds: the clock of V8's CPU profiles (their
 * startTime and timeDeltas), so stall windows and samples compare without conversion.
 */
export function monotonicUs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e6 + nanoseconds / 1e3;
}
