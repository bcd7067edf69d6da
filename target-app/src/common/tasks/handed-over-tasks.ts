import type { Task } from './task.js';

/**
 * The bookkeeping of an executor that hands tasks to a pool (threads or processes): which
 * tasks it holds and which of them the pool has started, and when. What is held but not
 * started is queued in the pool.
 */
export class HandedOverTasks {
  private readonly tasks = new Map<string, Task>();
  private readonly startedAt = new Map<string, number>();

  add(task: Task): void {
    this.tasks.set(task.id, task);
  }

  /** Marks a task started, once: the task, or undefined when unknown or already started. */
  start(id: string, startedAt: number): Task | undefined {
    const task = this.tasks.get(id);
    if (!task || this.startedAt.has(id)) return undefined;
    this.startedAt.set(id, startedAt);
    return task;
  }

  /**
   * Forgets a task that finished: false when it was not held (already settled). `onStarted`
   * gets its start time, when the pool had started it.
   */
  settle(id: string, onStarted?: (startedAt: number) => void): boolean {
    if (!this.tasks.delete(id)) return false;
    const startedAt = this.startedAt.get(id);
    this.startedAt.delete(id);
    if (startedAt !== undefined) onStarted?.(startedAt);
    return true;
  }

  queued(): number {
    return this.tasks.size - this.startedAt.size;
  }

  running(): number {
    return this.startedAt.size;
  }

  /** The start times of the running tasks. */
  runningSince(): IterableIterator<number> {
    return this.startedAt.values();
  }
}
