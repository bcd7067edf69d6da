import { taskStrategy } from '../task-strategy.js';
import { BlockingExecutor } from './blocking.executor.js';

export const blockingStrategy = taskStrategy({
  name: 'blocking',
  // A crash would take the server down with it.
  faults: ['throw'],
  startsAfterResponse: true,
  executor: ({ config, lifecycle }) =>
    new BlockingExecutor(config.LOOPLAB_BLOCKING_QUEUE_LIMIT, lifecycle),
});
