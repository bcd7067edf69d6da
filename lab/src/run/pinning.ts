import { execFile } from 'node:child_process';
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

/** Moves one thread, the process's main thread (its tid is the pid), to `cpus`: `taskset -p -c`. */
export async function moveMainThread(pid: number, cpus: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(TASKSET, ['-p', '-c', cpus, String(pid)], (error, _stdout, stderr) =>
      error
        ? reject(new Error(`taskset -p -c ${cpus} ${pid} failed: ${stderr || error.message}`))
        : resolve(),
    );
  });
}

/**
 * Moves every thread of this process (the runner) to `cpus`. Left anywhere, the runner's own work
 * (spawning vegeta, parsing its results, scraping /metrics) lands on the event loop's core now and
 * then and stalls it: measured here, 100-200 ms max lag in the first seconds of every task
 * strategy, gone once the runner sits with the load generator.
 */
export async function pinThisProcess(cpus: string): Promise<void> {
  await pinAllThreads(process.pid, cpus);
}

const ATTEMPTS_WHILE_THREADS_EXIT = 5;

/**
 * `taskset -a -p -c` on every thread of `pid`. taskset lists the threads, then sets each one, and
 * gives up with "No such process" when a thread exits in between (a CI run hit this: a short-lived
 * libuv or worker thread of the runner). Such a thread needs no pinning; the others do, so the
 * whole call is repeated, which sets every thread still alive.
 */
export async function pinAllThreads(pid: number, cpus: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const stderr = await tasksetAllThreads(pid, cpus);
    if (stderr === null) return;
    if (!/No such process/i.test(stderr) || attempt === ATTEMPTS_WHILE_THREADS_EXIT)
      throw new Error(`taskset -a -p -c ${cpus} ${pid} failed: ${stderr}`);
  }
}

/** Resolves null on success, else taskset's complaint. */
function tasksetAllThreads(pid: number, cpus: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(TASKSET, ['-a', '-p', '-c', cpus, String(pid)], (error, _stdout, stderr) =>
      resolve(error ? stderr || error.message : null),
    );
  });
}
