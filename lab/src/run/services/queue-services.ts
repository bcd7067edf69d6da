import type { StrategyDefinition } from '@looplab/contract';
import { QueueWorkerProcess } from './queue-worker.js';
import { type AppendFsync, RedisServer } from './redis-server.js';

export interface QueueServicesOptions {
  repoRoot: string;
  /** CPU list for Redis and the worker (the load generator's, so the app keeps its core). */
  cpus: string | null;
  /** A Redis to use instead of starting one (default: the REDIS_URL environment variable). */
  redisUrl?: string | undefined;
  appendfsync?: AppendFsync;
  workerEnv?: Record<string, string>;
}

/** Redis (started here unless a URL was given) and one queue worker, for the queue strategy. */
export interface QueueServices {
  redisUrl: string;
  /** The Redis started here; undefined when an existing one was given. */
  redis: RedisServer | undefined;
  worker: QueueWorkerProcess;
  /** What the target app's environment needs to serve the queue strategy. */
  appEnv: { REDIS_URL: string };
  /** The worker drains first, then Redis stops and its temp folder goes. */
  stop(): Promise<void>;
}

/** Whether any of these strategies needs Redis (the contract's `needs`). */
export function needsRedis(strategies: readonly StrategyDefinition[]): boolean {
  return strategies.some((strategy) => strategy.needs.includes('redis'));
}

export async function startQueueServices(options: QueueServicesOptions): Promise<QueueServices> {
  const given = options.redisUrl ?? process.env.REDIS_URL;
  const redis =
    given === undefined || given === ''
      ? await RedisServer.start({
          cpus: options.cpus,
          appendfsync: options.appendfsync ?? 'always',
        })
      : undefined;
  const redisUrl = redis?.url ?? (given as string);
  let worker: QueueWorkerProcess;
  try {
    worker = await QueueWorkerProcess.start({
      repoRoot: options.repoRoot,
      redisUrl,
      cpus: options.cpus,
      ...(options.workerEnv ? { env: options.workerEnv } : {}),
    });
  } catch (error) {
    await redis?.dispose();
    throw error;
  }
  return {
    redisUrl,
    redis,
    worker,
    appEnv: { REDIS_URL: redisUrl },
    async stop() {
      await worker.stop();
      await redis?.dispose();
    },
  };
}
