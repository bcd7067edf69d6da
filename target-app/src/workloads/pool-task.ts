import type { InjectedFault } from '@looplab/contract';
import { preciseNow } from '../common/clock.js';
import { runTaskWorkload } from './run-task.js';
import type { WorkloadResult, WorkloadSpec } from './workloads.js';

/** What a pool (threads or child processes) is sent for one task. */
export interface PoolTask {
  id: string;
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
}

/** Sent to the main thread as soon as a worker picks the task up, for wait time and status. */
export interface TaskStartedMessage {
  id: string;
  startedAt: number;
}

export interface PoolOutcome {
  startedAt: number;
  finishedAt: number;
  result: WorkloadResult;
}

/** Exit code of a worker that was told to crash (fault `crash`). */
export const CRASH_EXIT_CODE = 70;

/** Runs one task inside a pool worker: announces its start, honours faults, times the run. */
export function runPoolTask(
  task: PoolTask,
  announceStarted: (message: TaskStartedMessage) => void,
): PoolOutcome {
  const startedAt = preciseNow();
  announceStarted({ id: task.id, startedAt });
  // Ends this worker only; the pool fails the task and starts a replacement.
  if (task.fault === 'crash') process.exit(CRASH_EXIT_CODE);
  const result = runTaskWorkload(task.spec, task.fault);
  return { startedAt, finishedAt: preciseNow(), result };
}
