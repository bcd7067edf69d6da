import { taskStrategy } from '../task-strategy.js';
import { ProcessExecutor } from './process.executor.js';

export const processStrategy = taskStrategy({
  name: 'process',
  faults: ['throw', 'crash'],
  startsAfterResponse: false,
  executor: ({ config, lifecycle, logger, poolMetrics }) => {
    const executor = new ProcessExecutor(
      {
        size: config.LOOPLAB_POOL_SIZE,
        queueLimit: config.LOOPLAB_POOL_QUEUE_LIMIT,
        onChildExit: (pid, code, signal) => {
          poolMetrics.countWorkerExit('process');
          logger.info({ pid, code, signal }, 'pool child process exited');
        },
      },
      lifecycle,
    );
    poolMetrics.watch(executor);
    return executor;
  },
});
