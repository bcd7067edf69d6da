import type { InjectedFault, StrategyName, TaskStatus } from '@looplab/contract';
import type { WorkloadResult, WorkloadSpec } from '../../workloads/workloads.js';

export interface TaskRequest {
  spec: WorkloadSpec;
  /** Opt-in fault (LOOPLAB_FAULT_INJECTION=on) to prove failure handling end to end. */
  fault?: InjectedFault | undefined;
}

export interface Task {
  id: string;
  strategy: StrategyName;
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
  status: TaskStatus;
  /** Epoch milliseconds (fractional). */
  queuedAt: number;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  result?: WorkloadResult | undefined;
  error?: string | undefined;
  /** Trace context of the request that enqueued the task, for span links. */
  origin?: { traceId: string; spanId: string; traceFlags: number } | undefined;
}

export function waitMs(task: Task): number | undefined {
  return task.startedAt === undefined ? undefined : task.startedAt - task.queuedAt;
}

export function runMs(task: Task): number | undefined {
  return task.startedAt === undefined || task.finishedAt === undefined
    ? undefined
    : task.finishedAt - task.startedAt;
}

export function isFinished(status: TaskStatus): boolean {
  return status !== 'queued' && status !== 'running';
}
