import { isStrategyName, strategy as strategyEntry, type TradeOffKind } from '@looplab/contract';
import { formatMsUnit as ms, formatRatio as times } from '../format.js';
import type { StrategyResult } from '../model.js';
import { rangeOf, tie } from './resolution.js';

const finite = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value);

type Row = StrategyResult;

/** The job's length next to the same job run in one piece (a loopBlocked row of the group). */
function slowerThanInOnePiece(result: Row, group: readonly Row[]): string {
  const whole = group.find(
    (other) =>
      isStrategyName(other.strategy) && strategyEntry(other.strategy).tradeOff === 'loopBlocked',
  );
  const run = result.tasks.runP50Ms;
  if (whole && finite(run) && finite(whole.tasks.runP50Ms)) {
    const bucket = rangeOf(result, 'tasks.runP50Ms');
    // Both medians interpolated in one histogram bucket: the run cannot say which took longer.
    if (bucket && tie(result, whole, 'tasks.runP50Ms'))
      return `, the job's run p50 in the same histogram bucket as in one piece (${bucket.low.toFixed(0)}–${bucket.high.toFixed(0)} ms): this run cannot tell how much slower it was`;
    return `, the job ${times(run / whole.tasks.runP50Ms)} slower than in one piece (run p50 ${ms(run)} vs ${ms(whole.tasks.runP50Ms)})`;
  }
  return finite(run) ? `, job run p50 ${ms(run)}` : '';
}

/** Each kind of cost (the contract's `tradeOff`), in words with its number. */
const TRADE_OFFS: Record<TradeOffKind, (result: Row, group: readonly Row[]) => string | undefined> =
  {
    callerWaits: (r) =>
      finite(r.trigger.p50)
        ? `the caller waits for the job: trigger p50 ${ms(r.trigger.p50)}`
        : undefined,
    loopBlocked: (r) =>
      finite(r.eventLoop.lagMaxMs)
        ? `every request queued behind a job waits: max lag ${ms(r.eventLoop.lagMaxMs)}`
        : undefined,
    loopSliced: (r, group) => {
      const slice = r.costs?.sliceMaxMs;
      const slices = finite(slice) ? ` (slices ≤ ${ms(slice)})` : '';
      return finite(r.eventLoop.lagMaxMs)
        ? `lag bounded by the slice: max lag ${ms(r.eventLoop.lagMaxMs)}${slices}${slowerThanInOnePiece(r, group)}`
        : undefined;
    },
    poolQueue: (r) =>
      finite(r.tasks.waitP95Ms)
        ? `the wait moves to the pool's queue: task wait p95 ${ms(r.tasks.waitP95Ms)}`
        : undefined,
    memoryPerWorker: (r) => {
      const perWorker = r.costs?.memoryPerWorkerMiB;
      const workers = r.costs?.poolWorkers;
      return finite(perWorker)
        ? `+${perWorker.toFixed(0)} MiB per child process (${workers} ${workers === 1 ? 'child' : 'children'})`
        : undefined;
    },
    durableQueue: (r) =>
      finite(r.costs?.enqueueP99Ms)
        ? `+${ms(r.costs.enqueueP99Ms)} to accept (enqueue p99, durably in Redis), survives restarts`
        : 'survives restarts (needs Redis and a worker)',
    taskTimes: (r) =>
      finite(r.tasks.waitP95Ms)
        ? `task wait p95 ${ms(r.tasks.waitP95Ms)}, run p95 ${ms(r.tasks.runP95Ms)}`
        : undefined,
  };

/**
 * What a strategy pays for what it does to the loop, with its number, from the row's own metrics
 * and its group (rows with the same target, workload and tracing). Which cost is the contract's
 * (strategies.json `tradeOff`). Undefined when the run has no number for it, or the row is a
 * variant of your own service (looplab does not know what it does).
 */
export function tradeOff(result: Row, group: readonly Row[]): string | undefined {
  if (!isStrategyName(result.strategy)) return undefined;
  return TRADE_OFFS[strategyEntry(result.strategy).tradeOff](result, group);
}
