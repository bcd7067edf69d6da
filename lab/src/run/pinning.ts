import { availableParallelism } from 'node:os';
import { findOptionalTool } from '../tools/index.js';

export interface Pinning {
  app: string | null;
  load: string | null;
}

const TASKSET = 'taskset';

/**
 * App and load generator on different cores, so they do not steal each other's CPU:
 * the load generator gets the last core, the app every other one. With one core, or
 * without taskset, nothing is pinned (and the report says so).
 */
export function choosePinning(
  cores = availableParallelism(),
  tasksetAvailable = findOptionalTool(TASKSET) !== null,
): Pinning {
  if (!tasksetAvailable || cores < 2) return { app: null, load: null };
  const last = cores - 1;
  return { app: last === 1 ? '0' : `0-${last - 1}`, load: String(last) };
}

/** Prefixes a command with `taskset -c <cpus>` when a CPU list is given. */
export function pinned(cpus: string | null, command: string, args: string[]): [string, string[]] {
  return cpus === null ? [command, args] : [TASKSET, ['-c', cpus, command, ...args]];
}
