import type { LooplabInstrument } from '@looplab/instrument';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { TaskService } from './common/tasks/task-service.js';
import { Readiness } from './health/readiness.js';
import { shutdownTelemetry } from './telemetry/telemetry.js';
import { EVENT_LOOP } from './tokens.js';

export interface ShutdownTiming {
  /** How long readiness reports 503 before the listener closes (LOOPLAB_SHUTDOWN_GRACE_MS). */
  graceMs: number;
  /** How long accepted background tasks may take to finish (LOOPLAB_DRAIN_TIMEOUT_MS). */
  drainTimeoutMs: number;
}

/**
 * SIGTERM/SIGINT: readiness turns 503 (and the app keeps serving for the grace period, if any),
 * then it stops accepting connections, drains background tasks up to the timeout, says how many
 * finished and how many were abandoned, and exits 0. A second signal exits at once.
 */
export function installShutdown(
  app: NestFastifyApplication,
  logger: Logger,
  timing: ShutdownTiming,
): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    shuttingDown = true;
    void shutdown(app, logger, timing, signal).then(
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
  timing: ShutdownTiming,
  signal: NodeJS.Signals,
): Promise<void> {
  const drainTimeoutMs = timing.drainTimeoutMs;
  const tasks = app.get(TaskService);
  app.get(Readiness).markDraining();
  if (timing.graceMs > 0) {
    // Readiness already says 503; keep serving while load balancers notice, then close.
    logger.info(
      { signal, grace_ms: timing.graceMs },
      'shutting down: not ready, still serving during the grace period',
    );
    await new Promise((resolve) => setTimeout(resolve, timing.graceMs));
  }
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
      tasks: summary.lifetime,
    },
    `drain ${summary.timedOut ? 'timed out' : 'complete'}: ${summary.finished} finished, ${summary.abandoned} abandoned`,
  );
  server.closeAllConnections();
  await serverClosed;
  await tasks.close();
  app.get<symbol, LooplabInstrument>(EVENT_LOOP).stop();
  await shutdownTelemetry();
  logger.info('bye');
  logger.flush();
}
