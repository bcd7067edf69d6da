import { join } from 'node:path';
import { Tinypool, type TinypoolWorker } from 'tinypool';
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
import type { PoolOutcome, PoolTask } from '../../workloads/pool-task.js';
import { type ChildStartedMessage, isChildStarted } from './child-messages.js';
import { residentMemoryBytes } from './resident-memory.js';

export interface ProcessPoolOptions {
  size: number;
  queueLimit: number;
  onChildExit?: (pid: number, code: number | null, signal: string | null) => void;
}

/**
 * Hands each task to a pool of child processes (tinypool, runtime child_process) running the
 * same workload module. Isolation is real (a crash kills one child, which is replaced) and not
 * free: each child is a whole Node.js process with its own heap, and every task crosses IPC.
 */
export class ProcessExecutor implements TaskExecutor, PoolProbe {
  readonly strategy = 'process' as const;
  private readonly pool: Tinypool;
  private readonly tasks = new HandedOverTasks();
  private readonly taskOfChild = new Map<number, string>();
  private readonly exitOfTask = new Map<string, string>();
  private readonly watchedChildren = new WeakSet<TinypoolWorker>();
  private readonly createdAt = performance.now();
  private busyMs = 0;

  constructor(
    private readonly options: ProcessPoolOptions,
    private readonly lifecycle: TaskLifecycle,
  ) {
    // min = max: every child exists from start-up, so children keep the CPU affinity the
    // process started with even after the main thread alone is moved (docs/target-app.md).
    this.pool = new Tinypool({
      filename: join(__dirname, 'process.child.js'),
      runtime: 'child_process',
      minThreads: options.size,
      maxThreads: options.size,
      maxQueue: options.queueLimit,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Children run the workload only: no --import of the app's telemetry.
      execArgv: [],
    });
    this.watchChildren();
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
    this.watchChildren();
    return this.pool.threads.length;
  }

  utilization(): number {
    const now = preciseNow();
    let busy = this.busyMs;
    for (const startedAt of this.tasks.runningSince()) busy += now - startedAt;
    const capacity = (performance.now() - this.createdAt) * this.options.size;
    return capacity > 0 ? Math.min(1, busy / capacity) : 0;
  }

  queueSize(): number {
    return this.pool.queueSize;
  }

  residentMemoryBytes(): number {
    return this.childPids().reduce((sum, pid) => sum + (residentMemoryBytes(pid) ?? 0), 0);
  }

  childPids(): number[] {
    return this.pool.threads.map((child) => child.threadId);
  }

  submit(task: Task): void {
    this.tasks.add(task);
    const message: PoolTask = { id: task.id, spec: task.spec, fault: task.fault };
    const run: Promise<PoolOutcome> = this.pool.run(message, {
      channel: { postMessage: (reply: unknown) => this.onChildMessage(reply) },
    });
    run.then(
      (outcome) => this.settle(task, outcome),
      (error: unknown) =>
        this.settle(task, {
          startedAt: task.startedAt,
          finishedAt: preciseNow(),
          error: this.exitOfTask.get(task.id) ?? describeError(error),
        }),
    );
  }

  abandonQueued(): void {
    this.pool.cancelPendingTasks();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private onChildMessage(message: unknown): void {
    if (!isChildStarted(message)) return;
    this.onStarted(message);
  }

  private onStarted(message: ChildStartedMessage): void {
    const task = this.tasks.start(message.id, message.startedAt);
    if (!task) return;
    this.taskOfChild.set(message.pid, message.id);
    this.lifecycle.started(task, message.startedAt);
  }

  /** Counts every child's exit (a crash, or the pool's own shutdown); replacements are watched too. */
  private watchChildren(): void {
    for (const child of this.pool.threads) {
      if (this.watchedChildren.has(child)) continue;
      this.watchedChildren.add(child);
      const pid = child.threadId;
      child.once('exit', (code: number | null, signal: string | null) => {
        const taskId = this.taskOfChild.get(pid);
        this.taskOfChild.delete(pid);
        if (taskId !== undefined) {
          this.exitOfTask.set(
            taskId,
            `child process ${pid} exited with ${code === null ? `signal ${signal}` : `code: ${code}`}`,
          );
        }
        this.options.onChildExit?.(pid, code, signal);
      });
    }
  }

  private settle(task: Task, completion: TaskCompletion): void {
    const settled = this.tasks.settle(task.id, (startedAt) => {
      this.busyMs += completion.finishedAt - startedAt;
    });
    if (!settled) return;
    this.exitOfTask.delete(task.id);
    for (const [pid, id] of this.taskOfChild) if (id === task.id) this.taskOfChild.delete(pid);
    this.watchChildren();
    this.lifecycle.finished(task, completion);
  }
}
