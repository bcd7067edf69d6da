import { isFinished, type Task } from './task.js';

/**
 * Keeps the most recent tasks for GET /tasks/:id. Bounded: once full, the oldest
 * *finished* task is forgotten first; unfinished tasks are only evicted when every
 * slot holds one, which the queue limits make impossible in practice.
 */
export class TaskRegistry {
  private readonly tasks = new Map<string, Task>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  add(task: Task): void {
    this.tasks.set(task.id, task);
    if (this.tasks.size > this.capacity) this.evictOne();
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  delete(id: string): void {
    this.tasks.delete(id);
  }

  private evictOne(): void {
    for (const [id, task] of this.tasks) {
      if (isFinished(task.status)) {
        this.tasks.delete(id);
        return;
      }
    }
    const oldest = this.tasks.keys().next();
    if (!oldest.done) this.tasks.delete(oldest.value);
  }
}
