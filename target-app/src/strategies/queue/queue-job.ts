import type { InjectedFault } from '@looplab/contract';
import type { Task } from '../../common/tasks/task.js';
import type { WorkloadResult, WorkloadSpec } from '../../workloads/workloads.js';

/** What the API puts in Redis for one task; the BullMQ job id is the task id. */
export interface QueueJobData {
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
  /** Epoch milliseconds (fractional) when the API accepted the request. */
  queuedAt: number;
  /** Trace context of the request that enqueued the job. */
  origin?: Task['origin'];
}

/** What the worker stores as the job's return value: precise timings and the workload's result. */
export interface QueueJobResult {
  startedAt: number;
  finishedAt: number;
  result: WorkloadResult;
}

/** Every job has the same name: the workload kind is in the data. */
export const QUEUE_JOB_NAME = 'workload';
