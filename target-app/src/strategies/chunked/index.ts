import { taskStrategy } from '../task-strategy.js';
import { ChunkedExecutor } from './chunked.executor.js';
import { SliceMetrics } from './slice-metrics.js';

export const chunkedStrategy = taskStrategy({
  name: 'chunked',
  // A crash would take the server down with it.
  faults: ['throw'],
  startsAfterResponse: true,
  executor: ({ config, lifecycle, registry }) => {
    const slices = new SliceMetrics(registry);
    return new ChunkedExecutor(
      {
        sliceMs: config.LOOPLAB_CHUNK_MS,
        // The main-thread strategies share one limit.
        queueLimit: config.LOOPLAB_BLOCKING_QUEUE_LIMIT,
        onSlice: (task, ms) => slices.observe('chunked', task.spec.workload, ms),
      },
      lifecycle,
    );
  },
});
