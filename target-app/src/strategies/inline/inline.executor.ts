import { preciseNow } from '../../common/clock.js';
import type { Task } from '../../common/tasks/task.js';
import {
  describeError,
  type Refusal,
  type TaskExecutor,
  type TaskLifecycle,
} from '../../common/tasks/task-executor.js';
import { runTaskWorkload } from '../../workloads/run-task.js';

/**
 * No background at all: the task runs synchronously inside the request that submitted it,
 * before the response is written. The caller waits for it, and so does every other request.
 */
export class InlineExecutor implements TaskExecutor {
  readonly strategy = 'inline' as const;
  private running = 0;

  constructor(private readonly lifecycle: TaskLifecycle) {}

  refusal(): Refusal | undefined {
    return undefined;
  }

  queueDepth(): number {
    return 0;
  }

  inFlight(): number {
    return this.running;
  }

  submit(task: Task): void {
    this.running++;
    const startedAt = preciseNow();
    this.lifecycle.started(task, startedAt);
    try {
      const result = runTaskWorkload(task.spec, task.fault);
      this.lifecycle.finished(task, { startedAt, finishedAt: preciseNow(), result });
    } catch (error) {
      this.lifecycle.finished(task, {
        startedAt,
        finishedAt: preciseNow(),
        error: describeError(error),
      });
    } finally {
      this.running--;
    }
  }

  abandonQueued(): void {}

  async close(): Promise<void> {}
}
