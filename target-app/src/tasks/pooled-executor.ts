import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { describeError, type TaskExecutor, type TaskLifecycle } from './executor.js';
import type { Task } from './task.js';
import {
  preciseNow,
  TASK_STARTED_CHANNEL,
  type TaskStartedMessage,
  type WorkerOutcome,
  type WorkerTask,
} from './worker-protocol.js';

export interface PoolOptions {
  size: number;
  queueLimit: number;
  onWorkerExit?: () => void;
  onPoolError?: (error: Error) => void;
}

/** Hands each task to a piscina worker-thread pool: the main loop only does bookkeeping. */
export class PooledExecutor implements TaskExecutor {
  readonly strategy = 'pooled' as const;
  readonly pool: Piscina<WorkerTask, WorkerOutcome>;
  private readonly tasks = new Map<string, Task>();
  private readonly started = new Set<string>();
  private readonly channel = new BroadcastChannel(TASK_STARTED_CHANNEL);

  constructor(
    private readonly options: PoolOptions,
    private readonly lifecycle: TaskLifecycle,
  ) {
    this.pool = new Piscina<WorkerTask, WorkerOutcome>({
      filename: join(__dirname, 'workload.worker.js'),
      minThreads: options.size,
      maxThreads: options.size,
      maxQueue: options.queueLimit,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    this.pool.on('error', (error: Error) => options.onPoolError?.(error));
    this.pool.on('workerDestroy', () => options.onWorkerExit?.());
    this.channel.onmessage = (event) => this.onStarted((event as MessageEvent).data);
    this.channel.unref();
  }

  hasCapacity(): boolean {
    return this.pool.queueSize < this.options.queueLimit;
  }

  queueDepth(): number {
    return this.tasks.size - this.started.size;
  }

  inFlight(): number {
    return this.started.size;
  }

  submit(task: Task): void {
    this.tasks.set(task.id, task);
    this.pool.run({ id: task.id, spec: task.spec, fault: task.fault }).then(
      (outcome) => this.settle(task, outcome),
      (error: unknown) =>
        this.settle(task, {
          startedAt: task.startedAt,
          finishedAt: preciseNow(),
          error: describeError(error),
        }),
    );
  }

  abandonQueued(): void {
    // Queued work is abandoned when the pool is destroyed in close().
  }

  async close(): Promise<void> {
    this.channel.close();
    await this.pool.destroy();
  }

  private onStarted(message: TaskStartedMessage): void {
    const task = this.tasks.get(message.id);
    if (!task || this.started.has(message.id)) return;
    this.started.add(message.id);
    this.lifecycle.started(task, message.startedAt);
  }

  private settle(task: Task, completion: Parameters<TaskLifecycle['finished']>[1]): void {
    if (!this.tasks.delete(task.id)) return;
    this.started.delete(task.id);
    this.lifecycle.finished(task, completion);
  }
}
