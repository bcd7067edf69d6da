import { taskStrategy } from '../task-strategy.js';
import { InlineExecutor } from './inline.executor.js';

/** The contract status is 200: the shared endpoint answers with the finished task. */
export const inlineStrategy = taskStrategy({
  name: 'inline',
  // A crash would take the server down with it.
  faults: ['throw'],
  startsAfterResponse: false,
  executor: ({ lifecycle }) => new InlineExecutor(lifecycle),
});
