import type { InjectedFault, StrategyDefinition, StrategyName } from '@looplab/contract';
import type { Type } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TaskExecutor, TaskLifecycle } from '../common/tasks/task-executor.js';
import type { AppConfig } from '../config/app-config.js';
import type { PoolMetrics } from '../metrics/pool-metrics.js';

/** What an executor factory gets: settings, the task lifecycle and the metrics it may add to. */
export interface ExecutorContext {
  config: AppConfig;
  logger: Logger;
  lifecycle: TaskLifecycle;
  /** The app's registry, for metrics of the strategy's own (e.g. looplab_task_slice_seconds). */
  registry: Registry;
  /** The shared pool families (looplab_pool_*), labelled by strategy. */
  poolMetrics: PoolMetrics;
}

/** Everything the app needs to build a strategy's controller, from its contract entry. */
export interface ControllerContext {
  definition: StrategyDefinition;
  config: AppConfig;
}

/**
 * One strategy = one folder under src/strategies/ exporting one of these, plus its entry in
 * contract/data/strategies.json (route, method, success status, what it does). See README.md.
 */
export interface StrategyFeature {
  readonly name: StrategyName;
  /** A Nest controller serving the contract entry's route, method and success status. */
  controller(context: ControllerContext): Type<unknown>;
  /** Strategies that run tasks: the executor that runs them (created once, at start-up). */
  executor?(context: ExecutorContext): TaskExecutor;
}

/** How a task strategy's endpoint treats the request before handing the task over. */
export interface TaskStrategyOptions {
  name: StrategyName;
  /** Faults it can survive; `crash` only where a worker, not the server, would die. */
  faults: readonly InjectedFault[];
  /** Start the task only once the response has been written (the main-thread strategies). */
  startsAfterResponse: boolean;
  executor(context: ExecutorContext): TaskExecutor;
}
