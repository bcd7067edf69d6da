import { MainThreadQueue } from '../../common/tasks/main-thread-queue.js';
import { runOnThisThread } from '../../common/tasks/run-on-this-thread.js';
import type { Task } from '../../common/tasks/task.js';
import type {
  AfterResponse,
  Refusal,
  TaskExecutor,
  TaskLifecycle,
} from '../../common/tasks/task-executor.js';

/**
 * The FastAPI `BackgroundTasks` trap, done faithfully: the task is released once its
 * response has been sent, then runs synchronously on the main thread. While it runs,
 * nothing else on this process (no request, no timer, no scrape) gets a turn.
 */
export class BlockingExecutor implements TaskExecutor {
  readonly strategy = 'blocking' as const;
  private readonly queue: MainThreadQueue;
  private running = 0;

  constructor(
    limit: number,
    private readonly lifecycle: TaskLifecycle,
  ) {
    this.queue = new MainThreadQueue(this.strategy, limit, () => this.runNext());
  }

  refusal(): Refusal | undefined {
    return this.queue.refusal();
  }

  queueDepth(): number {
    return this.queue.unfinished() - this.running;
  }

  inFlight(): number {
    return this.running;
  }

  submit(task: Task, afterResponse: AfterResponse): void {
    this.queue.submit(task, afterResponse);
  }

  abandonQueued(): void {
    this.queue.abandon();
    this.queue.stop();
  }

  async close(): Promise<void> {
    this.abandonQueued();
  }

  /** One task per macrotask. */
  private runNext(): void {
    const task = this.queue.next();
    if (!task) return;
    this.running++;
    try {
      runOnThisThread(task, this.lifecycle);
    } finally {
      this.running--;
      this.queue.finished();
    }
    if (this.queue.hasReady()) this.queue.schedule();
  }
}
