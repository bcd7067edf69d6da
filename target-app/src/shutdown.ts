import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { Readiness } from './health/readiness.js';
import { EventLoopMetrics } from './metrics/event-loop-metrics.js';
import { TaskService } from './tasks/task-service.js';
import { shutdownTelemetry } from './telemetry/telemetry.js';

/**
 * SIGTERM/SIGINT: stop accepting connections, drain background tasks up to the timeout,
 * say how many finished and how many were abandoned, then exit 0. A second signal exits at once.
 */
export function installShutdown(
  app: NestFastifyApplication,
  logger: Logger,
  drainTimeoutMs: number,
): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    shuttingDown = true;
    void shutdown(app, logger, drainTimeoutMs, signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(
  app: NestFastifyApplication,
  logger: Logger,
  drainTimeoutMs: number,
  signal: NodeJS.Signals,
): Promise<void> {
  const tasks = app.get(TaskService);
  app.get(Readiness).markDraining();
  logger.info(
    { signal, pending_tasks: tasks.pendingCount, drain_timeout_ms: drainTimeoutMs },
    'shutting down: no longer accepting connections',
  );
  const server = app.getHttpServer();
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();

  const summary = await tasks.drain(drainTimeoutMs);
  logger.info(
    {
      finished: summary.finished,
      abandoned: summary.abandoned,
      pending_at_start: summary.pendingAtStart,
      timed_out: summary.timedOut,
      elapsed_ms: summary.elapsedMs,
    },
    `drain ${summary.timedOut ? 'timed out' : 'complete'}: ${summary.finished} finished, ${summary.abandoned} abandoned`,
  );
  server.closeAllConnections();
  await serverClosed;
  await tasks.close();
  app.get(EventLoopMetrics).stop();
  await shutdownTelemetry();
  logger.info('bye');
  logger.flush();
}
