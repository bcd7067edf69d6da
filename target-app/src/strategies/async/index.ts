import type { StrategyFeature } from '../strategy.js';
import { asyncController } from './async.controller.js';

/** No task and no executor: the request itself awaits non-blocking I/O. */
export const asyncStrategy: StrategyFeature = { name: 'async', controller: asyncController };
