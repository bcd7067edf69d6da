import { taskStrategyController } from '../common/tasks/task-strategy.controller.js';
import type { StrategyFeature, TaskStrategyOptions } from './strategy.js';

/** A strategy that runs the workload as a task: the shared task endpoint plus its executor. */
export function taskStrategy(options: TaskStrategyOptions): StrategyFeature {
  return {
    name: options.name,
    controller: ({ definition, config }) =>
      taskStrategyController({
        definition,
        config,
        faults: options.faults,
        startsAfterResponse: options.startsAfterResponse,
      }),
    executor: options.executor,
  };
}
