import type { RedisOptions } from 'bullmq';
import { z } from 'zod';

/** REDIS_URL, for the app and the worker alike. */
export const redisUrlSchema = z
  .string()
  .regex(/^rediss?:\/\/\S+$/, { error: 'must be a redis:// or rediss:// URL' });

/** Reconnect quickly (Redis restarts are part of the lab), never give up. */
const reconnectDelayMs = (attempt: number) => Math.min(100 * attempt, 1000);

/**
 * The API's connection: commands fail at once instead of waiting in a queue while Redis is
 * away, so a request gets its 503 now rather than after the client gives up retrying.
 */
export function producerOptions(): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: reconnectDelayMs,
  };
}

/** The worker's connection: BullMQ requires unlimited retries on its blocking connection. */
export function workerConnection(url: string): RedisOptions {
  return { url, maxRetriesPerRequest: null, retryStrategy: reconnectDelayMs };
}

/** A REDIS_URL without its password, for logs and error bodies. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'an unparseable REDIS_URL';
  }
}
