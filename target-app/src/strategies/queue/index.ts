import { METRICS } from '@looplab/contract';
import { Histogram } from 'prom-client';
import { throttled } from '../../common/throttled-log.js';
import { fromContract } from '../../metrics/prom.js';
import { taskStrategy } from '../task-strategy.js';
import { QueueExecutor } from './queue.executor.js';
import { QueueClient } from './queue-client.js';

/** How long an enqueue may wait for Redis before the request is a 503 instead. */
const ENQUEUE_TIMEOUT_MS = 2000;

export const queueStrategy = taskStrategy({
  name: 'queue',
  // A crash would take down the worker process, not a child a pool replaces.
  faults: ['throw'],
  startsAfterResponse: false,
  executor: ({ config, lifecycle, logger, registry }) => {
    const enqueueSeconds = new Histogram<'strategy'>({
      ...fromContract<'strategy'>(METRICS.queueEnqueue),
      registers: [registry],
    });
    const logRedisError = throttled<Error>(10_000, (error, skipped) =>
      logger.warn(
        { err: error.message, repeated: skipped },
        'redis unavailable: POST /background/queue answers 503 until it is back',
      ),
    );
    const client =
      config.REDIS_URL === undefined
        ? undefined
        : new QueueClient(config.REDIS_URL, {
            keepFinished: config.LOOPLAB_TASK_HISTORY,
            commandTimeoutMs: ENQUEUE_TIMEOUT_MS,
            onRedisError: logRedisError,
          });
    if (!client) logger.info('no REDIS_URL: the queue strategy answers 503 saying how to set it');
    return new QueueExecutor(client, lifecycle, enqueueSeconds);
  },
});
