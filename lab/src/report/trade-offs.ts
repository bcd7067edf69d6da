import { formatMsUnit as ms, formatRatio as times } from '../format.js';
import type { StrategyResult } from '../model.js';

const finite = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value);

/**
 * What a strategy pays for what it does to the loop, with its number, from the row's own metrics
 * and its group (rows with the same target, workload and tracing). Undefined when the run has no
 * number for it.
 */
export function tradeOff(
  result: StrategyResult,
  group: readonly StrategyResult[],
): string | undefined {
  const costs = result.costs ?? {};
  const blocking = group.find((other) => other.strategy === 'blocking');
  switch (result.strategy) {
    case 'inline':
      return finite(result.trigger.p50)
        ? `the caller waits for the job: trigger p50 ${ms(result.trigger.p50)}`
        : undefined;
    case 'blocking':
      return finite(result.eventLoop.lagMaxMs)
        ? `every request queued behind a job waits: max lag ${ms(result.eventLoop.lagMaxMs)}`
        : undefined;
    case 'chunked': {
      const slower =
        blocking && finite(result.tasks.runP50Ms) && finite(blocking.tasks.runP50Ms)
          ? `, the job ${times(result.tasks.runP50Ms / blocking.tasks.runP50Ms)} slower than in one piece (run p50 ${ms(result.tasks.runP50Ms)} vs ${ms(blocking.tasks.runP50Ms)})`
          : finite(result.tasks.runP50Ms)
            ? `, job run p50 ${ms(result.tasks.runP50Ms)}`
            : '';
      const slices = finite(costs.sliceMaxMs) ? ` (slices ≤ ${ms(costs.sliceMaxMs)})` : '';
      return finite(result.eventLoop.lagMaxMs)
        ? `lag bounded by the slice: max lag ${ms(result.eventLoop.lagMaxMs)}${slices}${slower}`
        : undefined;
    }
    case 'pooled':
      return finite(result.tasks.waitP95Ms)
        ? `the wait moves to the pool's queue: task wait p95 ${ms(result.tasks.waitP95Ms)}`
        : undefined;
    case 'process':
      return finite(costs.memoryPerWorkerMiB)
        ? `+${costs.memoryPerWorkerMiB.toFixed(0)} MiB per child process (${costs.poolWorkers} ${costs.poolWorkers === 1 ? 'child' : 'children'})`
        : undefined;
    case 'queue':
      return finite(costs.enqueueP99Ms)
        ? `+${ms(costs.enqueueP99Ms)} to accept (enqueue p99, durably in Redis), survives restarts`
        : 'survives restarts (needs Redis and a worker)';
    default:
      return finite(result.tasks.waitP95Ms)
        ? `task wait p95 ${ms(result.tasks.waitP95Ms)}, run p95 ${ms(result.tasks.runP95Ms)}`
        : undefined;
  }
}
