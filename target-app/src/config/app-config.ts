import { availableParallelism } from 'node:os';
import { APP_DEFAULTS } from '@looplab/contract';
import { SETTING_BOUNDS } from '@looplab/instrument';
import { z } from 'zod';
import { redisUrlSchema } from '../strategies/queue/redis-connection.js';

/** Plain decimal integers only: no hex, exponents or blanks sneaking in through Number(). */
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: 'must be a decimal integer' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be from ${min} to ${max}` })
        .max(max, { error: `must be from ${min} to ${max}` }),
    );
const onOff = z.enum(['on', 'off']);

const defaultPoolSize = Math.max(1, availableParallelism() - 1);

export const appConfigSchema = z.object({
  PORT: integer(0, 65535).default(APP_DEFAULTS.PORT),
  HOST: z.string().min(1).default(APP_DEFAULTS.HOST),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOOPLAB_POOL_SIZE: integer(1, 256).default(defaultPoolSize),
  LOOPLAB_POOL_QUEUE_LIMIT: integer(1, 100_000).default(APP_DEFAULTS.LOOPLAB_POOL_QUEUE_LIMIT),
  LOOPLAB_BLOCKING_QUEUE_LIMIT: integer(1, 100_000).default(
    APP_DEFAULTS.LOOPLAB_BLOCKING_QUEUE_LIMIT,
  ),
  LOOPLAB_TASK_HISTORY: integer(10, 1_000_000).default(APP_DEFAULTS.LOOPLAB_TASK_HISTORY),
  LOOPLAB_DRAIN_TIMEOUT_MS: integer(0, 600_000).default(APP_DEFAULTS.LOOPLAB_DRAIN_TIMEOUT_MS),
  LOOPLAB_SHUTDOWN_GRACE_MS: integer(0, 600_000).default(APP_DEFAULTS.LOOPLAB_SHUTDOWN_GRACE_MS),
  LOOPLAB_RETRY_AFTER_SECONDS: integer(1, 3600).default(APP_DEFAULTS.LOOPLAB_RETRY_AFTER_SECONDS),
  LOOPLAB_EVENT_LOOP_RESOLUTION_MS: integer(1, 100).default(
    APP_DEFAULTS.LOOPLAB_EVENT_LOOP_RESOLUTION_MS,
  ),
  LOOPLAB_CHUNK_MS: integer(1, 1000).default(APP_DEFAULTS.LOOPLAB_CHUNK_MS),
  LOOPLAB_EVENT_LOOP_WINDOW_S: integer(1, 600).default(APP_DEFAULTS.LOOPLAB_EVENT_LOOP_WINDOW_S),
  LOOPLAB_INSTRUMENTATION: onOff.default('on'),
  /** Stall attribution (the continuous CPU profile); stalls are counted either way. */
  LOOPLAB_ATTRIBUTION: onOff.default(APP_DEFAULTS.LOOPLAB_ATTRIBUTION),
  LOOPLAB_STALL_THRESHOLD_MS: integer(
    SETTING_BOUNDS.stallThresholdMs.min,
    SETTING_BOUNDS.stallThresholdMs.max,
  ).default(APP_DEFAULTS.LOOPLAB_STALL_THRESHOLD_MS),
  /** The CPU profiler's sampling interval (Node's own: the Python twin's watchdog has its own). */
  LOOPLAB_PROFILE_INTERVAL_MS: integer(
    SETTING_BOUNDS.sampleIntervalMs.min,
    SETTING_BOUNDS.sampleIntervalMs.max,
  ).default(APP_DEFAULTS.LOOPLAB_PROFILE_INTERVAL_MS),
  /** Validated (and used) by telemetry/telemetry.ts, which runs before this config is read. */
  LOOPLAB_TRACE_INSTRUMENTATIONS: z.string().optional(),
  LOOPLAB_FAULT_INJECTION: onOff.default('off'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('looplab-target-app'),
  /** The queue strategy's Redis; without it POST /background/queue is a 503 saying how to set it. */
  REDIS_URL: redisUrlSchema.optional(),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; every problem is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const relevant = Object.fromEntries(
    Object.keys(appConfigSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = appConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        return `${key}=${JSON.stringify(relevant[key])}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}
