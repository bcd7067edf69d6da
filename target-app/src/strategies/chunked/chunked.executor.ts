import { preciseNow } from '../../common/clock.js';
import { MainThreadQueue } from '../../common/tasks/main-thread-queue.js';
import type { Task } from '../../common/tasks/task.js';
import {
  type AfterResponse,
  describeError,
  type Refusal,
  type TaskExecutor,
  type TaskLifecycle,
} from '../../common/tasks/task-executor.js';
import { throwIfFaulted } from '../../workloads/run-task.js';
import { startWorkload, type WorkloadResult, type WorkloadRun } from '../../workloads/workloads.js';

export interface ChunkedOptions {
  /** Longest slice of work between two yields to the event loop (LOOPLAB_CHUNK_MS). */
  sliceMs: number;
  queueLimit: number;
  /** Called with each slice's length, for looplab_task_slice_seconds. */
  onSlice: (task: Task, ms: number) => void;
}

interface Running {
  task: Task;
  run: WorkloadRun;
  startedAt: number;
}

/**
 * Cooperative scheduling on the main thread: the task runs in slices of at most sliceMs,
 * with a setImmediate between slices so that requests, timers and scrapes get a turn. The
 * loop's lag stays about one slice; the task takes longer than it would in one piece.
 * Tasks run one after another, in the order they were accepted.
 */
export class ChunkedExecutor implements TaskExecutor {
  readonly strategy = 'chunked' as const;
  private readonly queue: MainThreadQueue;
  private current: Running | undefined;

  constructor(
    private readonly options: ChunkedOptions,
    private readonly lifecycle: TaskLifecycle,
  ) {
    this.queue = new MainThreadQueue(this.strategy, options.queueLimit, () => this.step());
  }

  refusal(): Refusal | undefined {
    return this.queue.refusal();
  }

  queueDepth(): number {
    return this.queue.unfinished() - this.inFlight();
  }

  inFlight(): number {
    return this.current ? 1 : 0;
  }

  submit(task: Task, afterResponse: AfterResponse): void {
    this.queue.submit(task, afterResponse);
  }

  abandonQueued(): void {
    this.queue.abandon();
  }

  async close(): Promise<void> {
    this.queue.stop();
  }

  /** One slice of the current task (starting the next one when there is none). */
  private step(): void {
    const running = this.current ?? this.startNext();
    if (running) {
      const sliceStarted = performance.now();
      try {
        const finished = running.run.runSlice(this.options.sliceMs);
        this.options.onSlice(running.task, performance.now() - sliceStarted);
        if (finished) this.finish(running, { result: running.run.result() });
      } catch (error) {
        this.finish(running, { error: describeError(error) });
      }
    }
    if (this.current || this.queue.hasReady()) this.queue.schedule();
  }

  private startNext(): Running | undefined {
    const task = this.queue.next();
    if (!task) return undefined;
    const startedAt = preciseNow();
    this.lifecycle.started(task, startedAt);
    try {
      throwIfFaulted(task.fault);
    } catch (error) {
      this.finish({ task, startedAt }, { error: describeError(error) });
      return undefined;
    }
    this.current = { task, run: startWorkload(task.spec), startedAt };
    return this.current;
  }

  private finish(
    running: Pick<Running, 'task' | 'startedAt'>,
    outcome: { result: WorkloadResult } | { error: string },
  ): void {
    this.current = undefined;
    this.queue.finished();
    this.lifecycle.finished(running.task, {
      startedAt: running.startedAt,
      finishedAt: preciseNow(),
      ...outcome,
    });
  }
}
