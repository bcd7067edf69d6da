import type { QueueProbe } from '../metrics/task-metrics.js';
import type { Task } from './task.js';
import type { WorkloadResult } from './workloads.js';

export type TaskCompletion =
  | { startedAt: number; finishedAt: number; result: WorkloadResult }
  | { startedAt?: number | undefined; finishedAt: number; error: string };

/** How an executor tells the rest of the app what happened to a task. */
export interface TaskLifecycle {
  started(task: Task, startedAt: number): void;
  finished(task: Task, completion: TaskCompletion): void;
}

/** Runs after the response has been sent; the blocking strategy waits for it. */
export type AfterResponse = (run: () => void) => void;

export interface TaskExecutor extends QueueProbe {
  /** False when the bounded queue is full: the caller rejects with 503. */
  hasCapacity(): boolean;
  submit(task: Task, afterResponse: AfterResponse): void;
  /** Stop starting queued tasks (drain deadline passed); running work is left to finish or die. */
  abandonQueued(): void;
  close(): Promise<void>;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
