import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { preciseNow } from '../../common/clock.js';
import { HandedOverTasks } from '../../common/tasks/handed-over-tasks.js';
import type { Task } from '../../common/tasks/task.js';
import {
  describeError,
  type Refusal,
  refusalWhenFull,
  type TaskCompletion,
  type TaskExecutor,
  type TaskLifecycle,
} from '../../common/tasks/task-executor.js';
import type { PoolProbe } from '../../metrics/pool-metrics.js';
import type { PoolOutcome, PoolTask, TaskStartedMessage } from '../../workloads/pool-task.js';
import { TASK_STARTED_CHANNEL } from './task-started-channel.js';

export interface PoolOptions {
  size: number;
  queueLimit: number;
  onWorkerExit?: () => void;
  onPoolError?: (error: Error) => void;
}

/** Hands each task to a piscina worker-thread pool: the main loop only does bookkeeping. */
export class PooledExecutor implements TaskExecutor, PoolProbe {
  readonly strategy = 'pooled' as const;
  private readonly pool: Piscina<PoolTask, PoolOutcome>;
  private readonly tasks = new HandedOverTasks();
  private readonly channel = new BroadcastChannel(TASK_STARTED_CHANNEL);

  constructor(
    private readonly options: PoolOptions,
    private readonly lifecycle: TaskLifecycle,
  ) {
    // min = max: every thread exists from start-up, so threads keep the CPU affinity the
    // process started with even after the main thread alone is moved (docs/target-app.md).
    this.pool = new Piscina<PoolTask, PoolOutcome>({
      filename: join(__dirname, 'pooled.worker.js'),
      minThreads: options.size,
      maxThreads: options.size,
      maxQueue: options.queueLimit,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Threads run the workload only: no --import of the app's telemetry in each of them.
      execArgv: [],
    });
    this.pool.on('error', (error: Error) => options.onPoolError?.(error));
    this.pool.on('workerDestroy', () => options.onWorkerExit?.());
    this.channel.onmessage = (event) => this.onStarted((event as MessageEvent).data);
    this.channel.unref();
  }

  refusal(): Refusal | undefined {
    return refusalWhenFull(this.strategy, this.pool.queueSize, this.options.queueLimit);
  }

  queueDepth(): number {
    return this.tasks.queued();
  }

  inFlight(): number {
    return this.tasks.running();
  }

  workers(): number {
    return this.pool.threads.length;
  }

  utilization(): number {
    return this.pool.utilization;
  }

  queueSize(): number {
    return this.pool.queueSize;
  }

  submit(task: Task): void {
    this.tasks.add(task);
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
    const task = this.tasks.start(message.id, message.startedAt);
    if (task) this.lifecycle.started(task, message.startedAt);
  }

  private settle(task: Task, completion: TaskCompletion): void {
    if (!this.tasks.settle(task.id)) return;
    this.lifecycle.finished(task, completion);
  }
}
