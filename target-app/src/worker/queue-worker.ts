import { join } from 'node:path';
import { QUEUE_NAME, WORKER_STRATEGY } from '@looplab/contract';
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { runMs, type Task, waitMs } from '../common/tasks/task.js';
import { describeError } from '../common/tasks/task-executor.js';
import { throttled } from '../common/throttled-log.js';
import { QueueClient } from '../strategies/queue/queue-client.js';
import type { QueueJobData, QueueJobResult } from '../strategies/queue/queue-job.js';
import { workerConnection } from '../strategies/queue/redis-connection.js';
import { TaskTracing } from '../telemetry/task-tracing.js';
import { QUEUE_STATES, WorkerMetrics } from './worker-metrics.js';

export interface DrainResult {
  timedOut: boolean;
  elapsedMs: number;
}

/** Built next to this file: BullMQ loads it on a worker thread (see job-processor.ts). */
const PROCESSOR_FILE = join(__dirname, 'job-processor.js');

type Outcome = Pick<Task, 'startedAt' | 'finishedAt' | 'result' | 'error'> & {
  status: 'done' | 'failed';
};

/**
 * Runs the queue strategy's jobs one at a time, with the same workload function as every other
 * strategy, on a worker thread of this process; this thread keeps the locks in Redis fresh,
 * serves /metrics and records each job's outcome, timings and span.
 */
export class QueueWorker {
  readonly metrics: WorkerMetrics;
  private readonly worker: Worker<QueueJobData, QueueJobResult>;
  private readonly queue: QueueClient;
  private readonly running = new Set<string>();
  private readonly tracing = new TaskTracing();

  constructor(redisUrl: string, logger: Logger, options: { lockMs: number }) {
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
    this.metrics = new WorkerMetrics(
      () => this.queue.counts(QUEUE_STATES),
      () => this.running.size,
      logRedisError,
    );
    this.worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, PROCESSOR_FILE, {
      connection: workerConnection(redisUrl),
      concurrency: 1,
      useWorkerThreads: true,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      // After Redis comes back, retry recording a finished job within a second, not 15.
      runRetryDelay: 1000,
    });
    this.worker.on('error', logRedisError);
    this.worker.on('active', (job) => this.running.add(String(job.id)));
    this.worker.on('completed', (job, result) => this.settle(job, { status: 'done', ...result }));
    this.worker.on('failed', (job, error) => {
      logger.warn({ task_id: job?.id, error: error.message }, 'task failed');
      // A failure has only BullMQ's own timestamps (whole ms): the thread threw instead of returning.
      if (job) {
        this.settle(job, {
          status: 'failed',
          startedAt: job.processedOn,
          finishedAt: job.finishedOn,
          error: error.message,
        });
      }
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

  /** Outcome, wait and run time on /metrics, and the task's span linked to the request that enqueued it. */
  private settle(job: Job<QueueJobData, QueueJobResult>, outcome: Outcome): void {
    this.running.delete(String(job.id));
    const task: Task = {
      id: String(job.id),
      strategy: WORKER_STRATEGY,
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
