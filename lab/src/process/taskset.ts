import { execFile } from 'node:child_process';

/** util-linux's taskset: which CPUs a process, or one of its threads, may run on. */
export const TASKSET = 'taskset';

/** Prefixes a command with `taskset -c <cpus>` when a CPU list is given. */
export function pinned(cpus: string | null, command: string, args: string[]): [string, string[]] {
  return cpus === null ? [command, args] : [TASKSET, ['-c', cpus, command, ...args]];
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
