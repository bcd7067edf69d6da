import { runOnThisThread } from '../../common/tasks/run-on-this-thread.js';
import type { Task } from '../../common/tasks/task.js';
import {
  type AfterResponse,
  type Refusal,
  refusalWhenFull,
  type TaskExecutor,
  type TaskLifecycle,
} from '../../common/tasks/task-executor.js';

/**
 * The FastAPI `BackgroundTasks` trap, done faithfully: the task is released once its
 * response has been sent, then runs synchronously on the main thread. While it runs,
 * nothing else on this process (no request, no timer, no scrape) gets a turn.
 */
export class BlockingExecutor implements TaskExecutor {
  readonly strategy = 'blocking' as const;
  private readonly ready: Task[] = [];
  private accepted = 0;
  private running = 0;
  private scheduled = false;
  private abandoned = false;

  constructor(
    private readonly limit: number,
    private readonly lifecycle: TaskLifecycle,
  ) {}

  refusal(): Refusal | undefined {
    return refusalWhenFull(this.strategy, this.accepted, this.limit);
  }

  queueDepth(): number {
    return this.accepted - this.running;
  }

  inFlight(): number {
    return this.running;
  }

  submit(task: Task, afterResponse: AfterResponse): void {
    this.accepted++;
    afterResponse(() => {
      this.ready.push(task);
      this.schedule();
    });
  }

  abandonQueued(): void {
    this.abandoned = true;
  }

  async close(): Promise<void> {
    this.abandoned = true;
  }

  private schedule(): void {
    if (this.scheduled || this.abandoned) return;
    this.scheduled = true;
    // One task per macrotask: between two tasks the loop serves whatever piled up,
    // as Starlette does between background tasks.
    setImmediate(() => this.runNext());
  }

  private runNext(): void {
    this.scheduled = false;
    const task = this.abandoned ? undefined : this.ready.shift();
    if (!task) return;
    this.running++;
    try {
      runOnThisThread(task, this.lifecycle);
    } finally {
      this.running--;
      this.accepted--;
    }
    if (this.ready.length > 0) this.schedule();
  }
}
