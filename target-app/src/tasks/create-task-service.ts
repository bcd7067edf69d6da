import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { PoolMetrics } from '../metrics/pool-metrics.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { TaskTracing } from '../telemetry/task-tracing.js';
import { BlockingExecutor } from './blocking-executor.js';
import { PooledExecutor } from './pooled-executor.js';
import { TaskRegistry } from './task-registry.js';
import { TaskService } from './task-service.js';

/** Wires the task service to its executors, registry, metrics and tracing. */
export function createTaskService(
  config: AppConfig,
  metrics: MetricsRegistry,
  logger: Logger,
): TaskService {
  let pooled: PooledExecutor | undefined;
  const poolMetrics = new PoolMetrics(metrics.registry, () => pooled?.pool);
  return new TaskService({
    registry: new TaskRegistry(config.LOOPLAB_TASK_HISTORY),
    metrics: new TaskMetrics(metrics.registry),
    tracing: new TaskTracing(),
    logger,
    createExecutors: (lifecycle) => {
      pooled = new PooledExecutor(
        {
          size: config.LOOPLAB_POOL_SIZE,
          queueLimit: config.LOOPLAB_POOL_QUEUE_LIMIT,
          onWorkerExit: () => poolMetrics.countWorkerExit(),
          onPoolError: (error) => logger.error({ err: error }, 'worker pool error'),
        },
        lifecycle,
      );
      return [new BlockingExecutor(config.LOOPLAB_BLOCKING_QUEUE_LIMIT, lifecycle), pooled];
    },
  });
}
