import { availableParallelism } from 'node:os';
import { TASKSET } from '../process/taskset.js';
import { findOptionalTool } from '../tools/index.js';

export interface Pinning {
  app: string | null;
  load: string | null;
}

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

/**
 * Where each part of a run goes. The event loop gets a core of its own; everything meant to be
 * off it (worker threads, child processes, the queue worker, Redis) shares the other cores with
 * the load generator, so pool threads never compete with the loop they are there to spare.
 */
export interface Placement {
  /** The app's main thread (the event loop), moved there once the app is ready. */
  mainThread: string | null;
  /** The app process as it starts (its pool threads and children stay), the queue worker, Redis. */
  offLoop: string | null;
  /** The load generator. */
  load: string | null;
}

export function placementOf(pinning: Pinning): Placement {
  if (pinning.app === null || pinning.load === null)
    return { mainThread: null, offLoop: null, load: null };
  const [first = 0, last = first] = pinning.app.split('-').map(Number);
  const otherAppCores =
    last > first ? `${first + 1 === last ? last : `${first + 1}-${last}`},` : '';
  return {
    mainThread: String(first),
    offLoop: `${otherAppCores}${pinning.load}`,
    load: pinning.load,
  };
}
