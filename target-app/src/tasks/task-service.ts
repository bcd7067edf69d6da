import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import { currentOrigin, type TaskTracing } from '../telemetry/task-tracing.js';
import type { AfterResponse, TaskCompletion, TaskExecutor, TaskLifecycle } from './executor.js';
import { type BackgroundStrategy, runMs, type Task, type TaskRequest, waitMs } from './task.js';
import type { TaskRegistry } from './task-registry.js';
import { preciseNow } from './worker-protocol.js';

export type RejectionReason = 'queue_full' | 'shutting_down';

export type SubmitResult =
  | { accepted: true; task: Task }
  | { accepted: false; task: Task; reason: RejectionReason };

export interface DrainSummary {
  pendingAtStart: number;
  finished: number;
  abandoned: number;
  timedOut: boolean;
  elapsedMs: number;
}

export interface TaskServiceDeps {
  registry: TaskRegistry;
  metrics: TaskMetrics;
  tracing: TaskTracing;
  logger: Logger;
  createExecutors: (lifecycle: TaskLifecycle) => TaskExecutor[];
}

/** Accepts background tasks, hands them to the strategy's executor and records what happens. */
export class TaskService implements TaskLifecycle {
  private readonly executors = new Map<BackgroundStrategy, TaskExecutor>();
  private readonly pending = new Set<Task>();
  private idleWaiters: Array<() => void> = [];
  private accepting = true;

  constructor(private readonly deps: TaskServiceDeps) {
    for (const executor of deps.createExecutors(this)) {
      this.executors.set(executor.strategy, executor);
    }
    deps.metrics.watch([...this.executors.values()]);
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  find(id: string): Task | undefined {
    return this.deps.registry.get(id);
  }

  submit(
    strategy: BackgroundStrategy,
    request: TaskRequest,
    afterResponse: AfterResponse,
  ): SubmitResult {
    const executor = this.executors.get(strategy);
    if (!executor) throw new Error(`no executor for strategy ${strategy}`);
    const task: Task = {
      id: randomUUID(),
      strategy,
      spec: request.spec,
      fault: request.fault,
      status: 'queued',
      queuedAt: preciseNow(),
      origin: currentOrigin(),
    };
    this.deps.registry.add(task);

    const reason: RejectionReason | undefined = !this.accepting
      ? 'shutting_down'
      : executor.hasCapacity()
        ? undefined
        : 'queue_full';
    if (reason) {
      this.complete(task, 'rejected', { finishedAt: task.queuedAt, error: reason });
      return { accepted: false, task, reason };
    }
    this.pending.add(task);
    executor.submit(task, afterResponse);
    return { accepted: true, task };
  }

  started(task: Task, startedAt: number): void {
    if (task.status !== 'queued') return;
    task.status = 'running';
    task.startedAt = startedAt;
  }

  finished(task: Task, completion: TaskCompletion): void {
    if (!this.pending.delete(task)) return;
    task.startedAt = completion.startedAt ?? task.startedAt;
    if ('result' in completion) {
      task.result = completion.result;
      this.complete(task, 'done', completion);
    } else {
      this.complete(task, 'failed', completion);
    }
    if (this.pending.size === 0) this.notifyIdle();
  }

  /** Stops accepting, waits for accepted tasks up to the timeout, then gives up on the rest. */
  async drain(timeoutMs: number): Promise<DrainSummary> {
    this.accepting = false;
    const started = Date.now();
    const pendingAtStart = this.pending.size;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.whenIdle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) for (const executor of this.executors.values()) executor.abandonQueued();
    const abandoned = this.pending.size;
    return {
      pendingAtStart,
      finished: pendingAtStart - abandoned,
      abandoned,
      timedOut,
      elapsedMs: Date.now() - started,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.executors.values()].map((executor) => executor.close()));
  }

  private whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private complete(
    task: Task,
    status: 'done' | 'failed' | 'rejected',
    completion: { finishedAt: number; error?: string },
  ): void {
    task.status = status;
    task.finishedAt = completion.finishedAt;
    task.error = completion.error;
    const { metrics, tracing, logger } = this.deps;
    const workload = task.spec.workload;
    metrics.countOutcome(task.strategy, workload, status);
    const wait = waitMs(task);
    const run = runMs(task);
    if (wait !== undefined) metrics.observeWait(task.strategy, workload, wait);
    if (run !== undefined) metrics.observeRun(task.strategy, workload, run);
    const span = tracing.record(task);
    context.with(trace.setSpan(context.active(), span), () => {
      const fields = {
        task_id: task.id,
        strategy: task.strategy,
        workload,
        wait_ms: wait,
        run_ms: run,
      };
      if (status === 'failed') logger.warn({ ...fields, error: task.error }, 'task failed');
      else logger.debug({ ...fields, error: task.error }, `task ${status}`);
    });
  }
}
