import { QUEUE_NAME } from '@looplab/contract';
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { preciseNow } from '../common/clock.js';
import { runMs, type Task, waitMs } from '../common/tasks/task.js';
import { describeError } from '../common/tasks/task-executor.js';
import { throttled } from '../common/throttled-log.js';
import { QueueClient } from '../strategies/queue/queue-client.js';
import type { QueueJobData, QueueJobResult } from '../strategies/queue/queue-job.js';
import { workerConnection } from '../strategies/queue/redis-connection.js';
import { TaskTracing } from '../telemetry/task-tracing.js';
import { runTaskWorkload } from '../workloads/run-task.js';
import { QUEUE_STATES, WorkerMetrics } from './worker-metrics.js';

export interface DrainResult {
  timedOut: boolean;
  elapsedMs: number;
}

interface Timing {
  startedAt: number;
  finishedAt?: number;
}

/**
 * Runs the queue strategy's jobs, one at a time, with the same workload function as every
 * other strategy. The workload is synchronous, so while it runs this process's loop is busy:
 * that is the point of running it here and not in the API.
 */
export class QueueWorker {
  readonly metrics: WorkerMetrics;
  private readonly worker: Worker<QueueJobData, QueueJobResult>;
  private readonly queue: QueueClient;
  private readonly timings = new Map<string, Timing>();
  private readonly tracing = new TaskTracing();

  constructor(redisUrl: string, logger: Logger) {
    const logRedisError = throttled<unknown>(10_000, (error, skipped) =>
      logger.warn(
        { err: describeError(error), repeated: skipped },
        'redis unavailable: the worker keeps retrying; accepted jobs stay in Redis',
      ),
    );
    // Only for looplab_queue_jobs: job counts at scrape time, failing fast while Redis is away.
    this.queue = new QueueClient(redisUrl, {
      keepFinished: 0,
      commandTimeoutMs: 1000,
      onRedisError: logRedisError,
    });
    this.metrics = new WorkerMetrics(() => this.queue.counts(QUEUE_STATES), logRedisError);
    this.worker = new Worker<QueueJobData, QueueJobResult>(
      QUEUE_NAME,
      async (job) => this.process(job),
      {
        connection: workerConnection(redisUrl),
        concurrency: 1,
        // After Redis comes back, retry recording a finished job within a second, not 15.
        runRetryDelay: 1000,
      },
    );
    this.worker.on('error', logRedisError);
    this.worker.on('completed', (job, result) => this.completed(job, result));
    this.worker.on('failed', (job, error) => {
      if (job) this.failed(job, error);
      logger.warn({ task_id: job?.id, error: error.message }, 'task failed');
    });
  }

  /** Resolves once the worker is connected and waiting for jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Stops taking jobs and waits for the running one; on timeout it is left to BullMQ's stall check. */
  async close(timeoutMs: number): Promise<DrainResult> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.worker.close().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.queue.close().catch(() => undefined);
    return { timedOut, elapsedMs: Date.now() - started };
  }

  private process(job: Job<QueueJobData, QueueJobResult>): QueueJobResult {
    const timing: Timing = { startedAt: preciseNow() };
    this.timings.set(String(job.id), timing);
    this.metrics.started();
    try {
      // `crash` is refused by the API for this strategy; only `throw` reaches the worker.
      const fault = job.data.fault === 'throw' ? 'throw' : undefined;
      const result = runTaskWorkload(job.data.spec, fault);
      timing.finishedAt = preciseNow();
      return { startedAt: timing.startedAt, finishedAt: timing.finishedAt, result };
    } catch (error) {
      timing.finishedAt = preciseNow();
      throw error;
    } finally {
      this.metrics.stopped();
    }
  }

  private completed(job: Job<QueueJobData, QueueJobResult>, outcome: QueueJobResult): void {
    this.timings.delete(String(job.id));
    this.settle(job, { status: 'done', ...outcome });
  }

  private failed(job: Job<QueueJobData, QueueJobResult>, error: Error): void {
    // A job failed by the stall check may never have run here: then there are no timings.
    const timing = this.timings.get(String(job.id));
    this.timings.delete(String(job.id));
    this.settle(job, { status: 'failed', ...timing, error: error.message });
  }

  /** Outcome, wait and run time on /metrics, and the task's span linked to the request that enqueued it. */
  private settle(
    job: Job<QueueJobData, QueueJobResult>,
    outcome: Pick<Task, 'startedAt' | 'finishedAt' | 'result' | 'error'> & {
      status: 'done' | 'failed';
    },
  ): void {
    const task: Task = {
      id: String(job.id),
      strategy: 'queue',
      spec: job.data.spec,
      fault: job.data.fault,
      queuedAt: job.data.queuedAt,
      origin: job.data.origin,
      ...outcome,
    };
    this.metrics.observe(task.spec.workload, outcome.status, waitMs(task), runMs(task));
    this.tracing.record(task);
  }
}
