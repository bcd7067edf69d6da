import { QUEUE_NAME } from '@looplab/contract';
import { createLogger } from '../logging/logger.js';
import { redactedRedisUrl } from '../strategies/queue/redis-connection.js';
import { shutdownTelemetry } from '../telemetry/telemetry.js';
import { startMetricsServer } from './metrics-server.js';
import { QueueWorker } from './queue-worker.js';
import { loadWorkerConfig, type WorkerConfig } from './worker-config.js';

/**
 * The queue strategy's worker process (`npm run worker`): takes jobs from Redis, runs them,
 * exports its own /metrics on WORKER_PORT. SIGTERM/SIGINT drain: no new jobs, the running
 * one finishes (jobs still waiting stay in Redis for the next worker), then exit 0.
 */
async function main(): Promise<void> {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig();
  } catch (error) {
    process.stderr.write(`looplab queue worker: ${(error as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger(config.LOG_LEVEL, config.OTEL_SERVICE_NAME);
  const worker = new QueueWorker(config.REDIS_URL, logger, {
    lockMs: config.LOOPLAB_QUEUE_LOCK_MS,
  });
  const metrics = await startMetricsServer(
    worker.metrics.registry,
    config.WORKER_PORT,
    config.HOST,
  );
  logger.info(
    {
      port: metrics.port,
      url: metrics.url,
      queue: QUEUE_NAME,
      redis: redactedRedisUrl(config.REDIS_URL),
    },
    'looplab queue worker listening',
  );

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info(
      { signal, drain_timeout_ms: config.LOOPLAB_DRAIN_TIMEOUT_MS },
      'draining: no new jobs',
    );
    void worker.close(config.LOOPLAB_DRAIN_TIMEOUT_MS).then(async (drain) => {
      logger.info(
        { timed_out: drain.timedOut, elapsed_ms: drain.elapsedMs },
        drain.timedOut
          ? 'drain timed out: the running job stays in Redis and runs again after its lock expires'
          : 'drain complete',
      );
      await metrics.close();
      await shutdownTelemetry();
      logger.info('bye');
      logger.flush();
      process.exit(0);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `looplab queue worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
