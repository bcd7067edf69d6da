import type { Histogram } from 'prom-client';
import type { Task } from '../../common/tasks/task.js';
import {
  type Refusal,
  type TaskExecutor,
  type TaskLifecycle,
  TaskRefusedError,
} from '../../common/tasks/task-executor.js';
import { taskFromJob } from './job-task.js';
import { type QueueClient, RedisUnavailableError } from './queue-client.js';

/** What a POST /background/queue gets when the app was started without REDIS_URL. */
export const NO_REDIS_MESSAGE =
  'the queue strategy needs Redis, and this app was started without REDIS_URL: start one ' +
  '(`redis-server --port 6379 --appendonly yes --appendfsync always`, or `docker compose up -d redis`), ' +
  'restart the app with REDIS_URL=redis://127.0.0.1:6379, and run the worker with ' +
  '`REDIS_URL=redis://127.0.0.1:6379 npm run worker`';

const retryLater = (message: string) =>
  `${message}; jobs accepted before are kept in Redis and run once it is back, retry later`;

/**
 * The queue strategy's API side: a task is accepted once BullMQ has stored it in Redis (the
 * job id is the task id); a separate worker process (src/worker) runs it. From then on its
 * state lives in Redis, so it survives a restart of this process and is read back from there.
 */
export class QueueExecutor implements TaskExecutor {
  readonly strategy = 'queue' as const;

  constructor(
    /** undefined when REDIS_URL is not set: every submit is refused, saying how to set it. */
    private readonly client: QueueClient | undefined,
    private readonly lifecycle: TaskLifecycle,
    private readonly enqueueSeconds: Histogram<'strategy'>,
  ) {}

  refusal(): Refusal | undefined {
    if (!this.client) return { reason: 'unavailable', message: NO_REDIS_MESSAGE };
    if (!this.client.usable) {
      return {
        reason: 'unavailable',
        message: retryLater(`Redis at ${this.client.where} is unavailable`),
      };
    }
    return undefined;
  }

  async submit(task: Task): Promise<void> {
    if (!this.client)
      throw new TaskRefusedError({ reason: 'unavailable', message: NO_REDIS_MESSAGE });
    const started = performance.now();
    try {
      await this.client.enqueue(task.id, {
        spec: task.spec,
        fault: task.fault,
        queuedAt: task.queuedAt,
        origin: task.origin,
      });
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      throw new TaskRefusedError({ reason: 'unavailable', message: retryLater(error.message) });
    }
    this.enqueueSeconds.observe({ strategy: this.strategy }, (performance.now() - started) / 1000);
    this.lifecycle.handedOff(task);
  }

  /** Reads the job from Redis; while Redis is away that is a TaskRefusedError (a 503). */
  async find(id: string): Promise<Task | undefined> {
    if (!this.client) return undefined;
    try {
      const found = await this.client.find(id);
      return found ? taskFromJob(found.job, found.state) : undefined;
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      throw new TaskRefusedError({ reason: 'unavailable', message: error.message });
    }
  }

  /** Waiting and running jobs are the worker's to report (its /metrics): none wait here. */
  queueDepth(): number {
    return 0;
  }

  inFlight(): number {
    return 0;
  }

  abandonQueued(): void {
    // Nothing queues in this process: an accepted job is already in Redis.
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
