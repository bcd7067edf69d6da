/** Latency buckets in seconds: fine below 10 ms (where a healthy probe lives), up to 10 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1,
  0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10,
];

/**
 * Task wait and run times: finer between 100 ms and 1 s, where typical jobs sit, so that
 * quantiles interpolated inside a bucket stay within about 10 % of the truth.
 */
export const TASK_DURATION_BUCKETS_SECONDS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25,
  0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10,
];

/** Event-loop delay buckets: same shape, starting lower since an idle loop is sub-millisecond. */
export const EVENT_LOOP_DELAY_BUCKETS_SECONDS = [0.0001, 0.00025, ...LATENCY_BUCKETS_SECONDS];
