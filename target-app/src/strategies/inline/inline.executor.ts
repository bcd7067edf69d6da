import { runOnThisThread } from '../../common/tasks/run-on-this-thread.js';
import type { Task } from '../../common/tasks/task.js';
import {
  type Refusal,
  type TaskExecutor,
  type TaskLifecycle,
} from '../../common/tasks/task-executor.js';

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
    try {
      runOnThisThread(task, this.lifecycle);
    } finally {
      this.running--;
    }
  }

  abandonQueued(): void {}

  async close(): Promise<void> {}
}
