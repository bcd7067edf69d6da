import { join } from 'node:path';
import { RUNTIMES, type Runtime, type StrategyDefinition, strategiesOf } from '@looplab/contract';
import {
  needsRedis,
  type QueueServices,
  startQueueServices,
} from '@looplab/lab/src/run/services/index.js';
import { TargetAppProcess } from '@looplab/lab/src/run/target-app-process.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

/** Every target app the contract knows: each suite here runs once per entry. */
export const TARGETS: readonly Runtime[] = RUNTIMES;

/** One target app under test, started the way the compare runner starts it. */
export interface Target {
  runtime: Runtime;
  url: string;
  port: number;
  /** Every strategy this runtime serves, from the contract. */
  strategies: StrategyDefinition[];
  /** SIGTERM (the app drains), then the services it needed; resolves with its last log lines. */
  stop(): Promise<string[]>;
}

export interface TargetOptions {
  env?: Record<string, string>;
  /** Start Redis and the queue worker when a strategy of the runtime needs them (default true). */
  services?: boolean;
}

/**
 * Starts a runtime's built app as a real process on an ephemeral loopback port, with the
 * runner's own launcher (lab/src/run), plus Redis and the queue worker when its strategies
 * need them (the contract's `needs`).
 */
export async function startTarget(runtime: Runtime, options: TargetOptions = {}): Promise<Target> {
  const strategies = strategiesOf(runtime);
  let services: QueueServices | undefined;
  if ((options.services ?? true) && needsRedis(strategies)) {
    services = await startQueueServices({ repoRoot: REPO_ROOT, cpus: null });
  }
  let app: TargetAppProcess;
  try {
    app = await TargetAppProcess.start({
      repoRoot: REPO_ROOT,
      cpus: null,
      runtime,
      env: { ...services?.appEnv, ...options.env },
    });
  } catch (error) {
    await services?.stop();
    throw error;
  }
  return {
    runtime,
    url: app.url,
    port: app.port,
    strategies,
    async stop() {
      await app.stop();
      await services?.stop();
      return app.lastLines();
    },
  };
}

/** Whether the app logged that it finished its shutdown ("bye", both runtimes). */
export function saidGoodbye(lastLines: readonly string[]): boolean {
  return lastLines.some((line) => {
    if (!line.trim().startsWith('{')) return false;
    try {
      return (JSON.parse(line) as { msg?: unknown }).msg === 'bye';
    } catch {
      return false;
    }
  });
}

/** The strategies of a runtime that take a task body (every POST route). */
export function taskStrategies(runtime: Runtime): StrategyDefinition[] {
  return strategiesOf(runtime).filter((strategy) => strategy.method === 'POST');
}
