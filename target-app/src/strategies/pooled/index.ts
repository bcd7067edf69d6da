import { taskStrategy } from '../task-strategy.js';
import { PooledExecutor } from './pooled.executor.js';

export const pooledStrategy = taskStrategy({
  name: 'pooled',
  faults: ['throw', 'crash'],
  startsAfterResponse: false,
  executor: ({ config, lifecycle, logger, poolMetrics }) => {
    const executor = new PooledExecutor(
      {
        size: config.LOOPLAB_POOL_SIZE,
        queueLimit: config.LOOPLAB_POOL_QUEUE_LIMIT,
        onWorkerExit: () => poolMetrics.countWorkerExit('pooled'),
        onPoolError: (error) => logger.error({ err: error }, 'worker pool error'),
      },
      lifecycle,
    );
    poolMetrics.watch(executor);
    return executor;
  },
});
