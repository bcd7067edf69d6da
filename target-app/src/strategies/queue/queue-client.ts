import { QUEUE_NAME } from '@looplab/contract';
import { type Job, type JobType, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_JOB_NAME, type QueueJobData, type QueueJobResult } from './queue-job.js';
import { producerOptions, redactedRedisUrl } from './redis-connection.js';

/** Redis cannot take or answer a command right now; the message says so, for a 503 body. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

export interface QueueClientOptions {
  /** Finished jobs kept in Redis for GET /tasks/:id (BullMQ removes older ones). */
  keepFinished: number;
  /** A command Redis has not answered by then is a 503 (it may still complete later). */
  commandTimeoutMs: number;
  onRedisError: (error: Error) => void;
}

/**
 * The API's side of the queue: adds jobs and reads them back from Redis. It checks the
 * connection before every command, so while Redis is away (or was never there) a caller
 * learns it at once instead of waiting for a reconnect.
 */
export class QueueClient {
  private readonly redis: Redis;
  private readonly queue: Queue<QueueJobData, QueueJobResult>;
  /** True until the first connection succeeds or fails: requests at start-up wait, not fail. */
  private connecting = true;
  private readonly firstReady: Promise<void>;
  readonly where: string;

  constructor(
    url: string,
    private readonly options: QueueClientOptions,
  ) {
    this.where = redactedRedisUrl(url);
    this.redis = new Redis(url, producerOptions());
    this.redis.on('error', (error: Error) => {
      this.connecting = false;
      options.onRedisError(error);
    });
    this.firstReady = new Promise((resolve) =>
      this.redis.once('ready', () => {
        this.connecting = false;
        resolve();
      }),
    );
    this.queue = new Queue<QueueJobData, QueueJobResult>(QUEUE_NAME, { connection: this.redis });
    this.queue.on('error', options.onRedisError);
  }

  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Connected, or still making its first connection (a command then waits for it). */
  get usable(): boolean {
    return this.connected || this.connecting;
  }

  /** Resolves once Redis has acknowledged the job (with appendfsync always: once it is on disk). */
  async enqueue(id: string, data: QueueJobData): Promise<void> {
    await this.command('enqueue the job', () =>
      this.queue.add(QUEUE_JOB_NAME, data, {
        jobId: id,
        attempts: 1,
        removeOnComplete: { count: this.options.keepFinished },
        removeOnFail: { count: this.options.keepFinished },
      }),
    );
  }

  /** The job and its state, or undefined when Redis does not know the id (any more). */
  async find(
    id: string,
  ): Promise<{ job: Job<QueueJobData, QueueJobResult>; state: string } | undefined> {
    return this.command('read the job', async () => {
      // State first: a job read after it says completed carries its return value and finish
      // time (BullMQ sets them in the same script); read before, it might lack them.
      const state = await this.queue.getJobState(id);
      if (state === 'unknown') return undefined;
      const job = await this.queue.getJob(id);
      return job ? { job, state } : undefined;
    });
  }

  /** Jobs per state, e.g. { waiting: 3, active: 1 }. */
  counts(states: readonly JobType[]): Promise<Record<string, number>> {
    return this.command('count the jobs', () => this.queue.getJobCounts(...states));
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.redis.disconnect();
  }

  private async command<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.usable) {
      throw new RedisUnavailableError(
        `Redis at ${this.where} is unavailable (${this.redis.status}): could not ${what}`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    let expired = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(
          new RedisUnavailableError(
            `Redis at ${this.where} did not answer in ${this.options.commandTimeoutMs} ms: could not ${what}`,
          ),
        );
      }, this.options.commandTimeoutMs);
    });
    try {
      // Never start a command after its caller was told 503: it must not succeed behind its back.
      const connectedThenRun = this.connected
        ? run()
        : this.firstReady.then(() => {
            if (expired) throw new RedisUnavailableError(`gave up before Redis was ready`);
            return run();
          });
      return await Promise.race([connectedThenRun, timeout]);
    } catch (error) {
      if (error instanceof RedisUnavailableError) throw error;
      throw new RedisUnavailableError(
        `Redis at ${this.where} failed: could not ${what} (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
