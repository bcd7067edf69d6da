import { APP_DEFAULTS } from '@looplab/contract';
import { z } from 'zod';
import { redisUrlSchema } from '../strategies/queue/redis-connection.js';

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: 'must be a decimal integer' })
    .transform(Number)
    .pipe(z.number().min(min).max(max));

export const REDIS_URL_HINT =
  'set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379 after `redis-server --port 6379 --appendonly yes`, or `docker compose up -d redis`)';

export const workerConfigSchema = z.object({
  REDIS_URL: z.string({ error: `required: ${REDIS_URL_HINT}` }).pipe(redisUrlSchema),
  WORKER_PORT: integer(0, 65535).default(APP_DEFAULTS.WORKER_PORT),
  HOST: z.string().min(1).default(APP_DEFAULTS.HOST),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long SIGTERM waits for the running job; a job cut off stays in Redis and runs again. */
  LOOPLAB_DRAIN_TIMEOUT_MS: integer(0, 600_000).default(APP_DEFAULTS.LOOPLAB_DRAIN_TIMEOUT_MS),
  /**
   * How long a job's lock in Redis lasts (renewed at half of it while the job runs): a worker
   * that dies mid-job loses its jobs to the next worker after about this long (BullMQ's stall check).
   */
  LOOPLAB_QUEUE_LOCK_MS: integer(1000, 600_000).default(APP_DEFAULTS.LOOPLAB_QUEUE_LOCK_MS),
  OTEL_SERVICE_NAME: z.string().min(1).default('looplab-queue-worker'),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Every problem at once, as `NAME="value": rule` lines. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const relevant = Object.fromEntries(
    Object.keys(workerConfigSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = workerConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  throw new Error(
    `Invalid configuration:\n${parsed.error.issues
      .map((issue) => {
        const key = issue.path.join('.');
        return `  - ${key}${key in relevant ? `=${JSON.stringify(relevant[key])}` : ''}: ${issue.message}`;
      })
      .join('\n')}`,
  );
}
