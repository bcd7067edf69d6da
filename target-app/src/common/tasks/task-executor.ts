import type { StrategyName } from '@looplab/contract';
import type { WorkloadResult } from '../../workloads/workloads.js';
import type { Task } from './task.js';

export type TaskCompletion =
  | { startedAt: number; finishedAt: number; result: WorkloadResult }
  | { startedAt?: number | undefined; finishedAt: number; error: string };

/** How an executor tells the rest of the app what happened to a task. */
export interface TaskLifecycle {
  started(task: Task, startedAt: number): void;
  finished(task: Task, completion: TaskCompletion): void;
  /**
   * The task is durably someone else's now (e.g. a job in Redis that a separate worker runs):
   * this process no longer waits for it when draining and counts no outcome for it.
   */
  handedOff(task: Task): void;
}

/** Runs after the response has been sent (the response's 'close'); the main-thread strategies wait for it. */
export type AfterResponse = (run: () => void) => void;

export type RejectionReason = 'queue_full' | 'shutting_down' | 'unavailable';

/** Why an executor cannot take a task now; the client gets 503 + Retry-After with the message. */
export interface Refusal {
  reason: Exclude<RejectionReason, 'shutting_down'>;
  /** What the client reads, e.g. how to provide a missing backing service. */
  message: string;
}

/** An executor's refusal() once `queued` reached `limit`: the one wording of a full queue. */
export function refusalWhenFull(
  strategy: StrategyName,
  queued: number,
  limit: number,
): Refusal | undefined {
  return queued < limit
    ? undefined
    : { reason: 'queue_full', message: `the ${strategy} queue is full, retry later` };
}

/** Thrown (or rejected) by submit() when the backing service fails while accepting a task. */
export class TaskRefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'TaskRefusedError';
  }
}

/** Read at scrape time for looplab_task_queue_depth and looplab_tasks_in_flight. */
export interface QueueProbe {
  readonly strategy: StrategyName;
  queueDepth(): number;
  inFlight(): number;
}

export interface TaskExecutor extends QueueProbe {
  /** undefined when a new task can be accepted now; otherwise why not (503). */
  refusal(): Refusal | undefined;
  /**
   * Takes an accepted task. May return a promise (a durable enqueue): the response waits for
   * it, and a TaskRefusedError turns the task into a 503 rejection.
   */
  submit(task: Task, afterResponse: AfterResponse): void | Promise<void>;
  /**
   * Looks up a task the in-memory registry does not know (or no longer knows), e.g. a job
   * kept in Redis by another process. Optional.
   */
  find?(id: string): Promise<Task | undefined>;
  /** Stop starting queued tasks (drain deadline passed); running work is left to finish or die. */
  abandonQueued(): void;
  close(): Promise<void>;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
