import type { InjectedFault } from './task.js';
import type { WorkloadResult, WorkloadSpec } from './workloads.js';

/** Workers announce "task started" here so the main thread can report wait time and status. */
export const TASK_STARTED_CHANNEL = 'looplab:task-started';

export interface WorkerTask {
  id: string;
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
}

export interface TaskStartedMessage {
  id: string;
  startedAt: number;
}

export interface WorkerOutcome {
  startedAt: number;
  finishedAt: number;
  result: WorkloadResult;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
