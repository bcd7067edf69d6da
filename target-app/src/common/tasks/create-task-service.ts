import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import type { MetricsRegistry } from '../../metrics/metrics-registry.js';
import { PoolMetrics } from '../../metrics/pool-metrics.js';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import type { ServedStrategy } from '../../strategies/registry.js';
import { TaskTracing } from '../../telemetry/task-tracing.js';
import { TaskRegistry } from './task-registry.js';
import { TaskService } from './task-service.js';

/** Wires the task service to the executors of the served strategies, its registry, metrics and tracing. */
export function createTaskService(
  config: AppConfig,
  metrics: MetricsRegistry,
  logger: Logger,
  strategies: readonly ServedStrategy[],
): TaskService {
  const poolMetrics = new PoolMetrics(metrics.registry);
  return new TaskService({
    registry: new TaskRegistry(config.LOOPLAB_TASK_HISTORY),
    metrics: new TaskMetrics(metrics.registry),
    tracing: new TaskTracing(),
    logger,
    createExecutors: (lifecycle) =>
      strategies.flatMap(({ feature }) =>
        feature.executor
          ? [
              feature.executor({
                config,
                logger: logger.child({ strategy: feature.name }),
                lifecycle,
                registry: metrics.registry,
                poolMetrics,
              }),
            ]
          : [],
      ),
  });
}
