import { randomUUID } from 'node:crypto';
import type { StrategyName, TaskOutcome } from '@looplab/contract';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TaskMetrics } from '../../metrics/task-metrics.js';
import { currentOrigin, type TaskTracing } from '../../telemetry/task-tracing.js';
import { preciseNow } from '../clock.js';
import { isFinished, runMs, type Task, type TaskRequest, waitMs } from './task.js';
import {
  type AfterResponse,
  describeError,
  type RejectionReason,
  type TaskCompletion,
  type TaskExecutor,
  type TaskLifecycle,
  TaskRefusedError,
} from './task-executor.js';
import type { TaskRegistry } from './task-registry.js';

export type SubmitResult =
  | { accepted: true; task: Task }
  | { accepted: false; task: Task; reason: RejectionReason; message: string };

/**
 * Every task accepted over the app's life, by where it ended: accepted = done + failed +
 * abandoned + handedOff (queue tasks, whose outcome the worker records) + still pending.
 */
export interface TaskTally {
  accepted: number;
  done: number;
  failed: number;
  abandoned: number;
  handedOff: number;
}

export interface DrainSummary {
  pendingAtStart: number;
  finished: number;
  abandoned: number;
  timedOut: boolean;
  elapsedMs: number;
  /** The tally once drained (nothing pending any more). */
  lifetime: TaskTally;
}

export interface TaskServiceDeps {
  registry: TaskRegistry;
  metrics: TaskMetrics;
  tracing: TaskTracing;
  logger: Logger;
  createExecutors: (lifecycle: TaskLifecycle) => TaskExecutor[];
}

/** Accepts tasks, hands them to the strategy's executor and records what happens. */
export class TaskService implements TaskLifecycle {
  private readonly executors = new Map<StrategyName, TaskExecutor>();
  private readonly pending = new Set<Task>();
  private readonly finishWaiters = new Map<Task, Array<() => void>>();
  private idleWaiters: Array<() => void> = [];
  private accepting = true;
  private readonly tally: TaskTally = {
    accepted: 0,
    done: 0,
    failed: 0,
    abandoned: 0,
    handedOff: 0,
  };

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

  /** The in-memory registry first, then any executor that keeps tasks elsewhere. */
  async find(id: string): Promise<Task | undefined> {
    const known = this.deps.registry.get(id);
    if (known) return known;
    for (const executor of this.executors.values()) {
      const found = await executor.find?.(id);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Runs synchronously up to the executor's submit, so a burst read in one loop turn sees
   * each acceptance before the next; only an asynchronous submit (a durable enqueue) awaits.
   */
  async submit(
    strategy: StrategyName,
    request: TaskRequest,
    afterResponse: AfterResponse,
  ): Promise<SubmitResult> {
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

    const refusal = this.accepting
      ? executor.refusal()
      : { reason: 'shutting_down' as const, message: 'shutting down' };
    if (refusal) return this.reject(task, refusal.reason, refusal.message);
    this.pending.add(task);
    this.tally.accepted += 1;
    const submitted = executor.submit(task, afterResponse);
    if (submitted) {
      try {
        await submitted;
      } catch (error) {
        if (!(error instanceof TaskRefusedError)) {
          this.finished(task, { finishedAt: preciseNow(), error: describeError(error) });
          throw error;
        }
        this.pending.delete(task);
        this.tally.accepted -= 1;
        this.notifyIfIdle();
        return this.reject(task, error.refusal.reason, error.refusal.message);
      }
    }
    return { accepted: true, task };
  }

  /** Resolves once the task has a final status (at once if it has one already). */
  whenFinished(task: Task): Promise<void> {
    if (isFinished(task.status)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.finishWaiters.get(task) ?? [];
      waiters.push(resolve);
      this.finishWaiters.set(task, waiters);
    });
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
    this.notifyIfIdle();
  }

  handedOff(task: Task): void {
    if (!this.pending.delete(task)) return;
    this.tally.handedOff += 1;
    // Its real state lives with the executor now; lookups go there.
    this.deps.registry.delete(task.id);
    this.notifyIfIdle();
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
    for (const task of this.pending) {
      this.deps.metrics.countOutcome(task.strategy, task.spec.workload, 'abandoned');
    }
    this.tally.abandoned += abandoned;
    return {
      pendingAtStart,
      finished: pendingAtStart - abandoned,
      abandoned,
      timedOut,
      elapsedMs: Date.now() - started,
      lifetime: { ...this.tally },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.executors.values()].map((executor) => executor.close()));
  }

  private reject(task: Task, reason: RejectionReason, message: string): SubmitResult {
    this.complete(task, 'rejected', { finishedAt: task.queuedAt, error: reason });
    return { accepted: false, task, reason, message };
  }

  private whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.pending.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private complete(
    task: Task,
    status: Extract<TaskOutcome, 'done' | 'failed' | 'rejected'>,
    completion: { finishedAt: number; error?: string },
  ): void {
    task.status = status;
    task.finishedAt = completion.finishedAt;
    task.error = completion.error;
    if (status !== 'rejected') this.tally[status] += 1;
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
    const waiters = this.finishWaiters.get(task);
    this.finishWaiters.delete(task);
    for (const resolve of waiters ?? []) resolve();
  }
}
