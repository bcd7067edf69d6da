import { pbkdf2Sync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { WorkloadKind } from '@looplab/contract';

/**
 * The workloads, as pure synchronous functions. Every executor (the main thread, pool
 * threads, child processes) runs exactly this code, so any difference between strategies
 * comes from *where* it runs, never from *what* runs. Kinds, bounds and what one iteration
 * is are defined in the contract (contract/data/workloads.json).
 */

/** Either a wall-clock budget or a fixed amount of work; never both. */
export type WorkloadSize = { ms: number } | { iterations: number };
export type WorkloadSpec = { workload: WorkloadKind } & WorkloadSize;

const CPU_STEPS_PER_ITERATION = 10_000;
const HASH_ROUNDS_PER_ITERATION = 1_000;
const HASH_SALT = Buffer.from('looplab-salt');

export interface WorkloadResult {
  workload: WorkloadKind;
  iterations: number;
  /** Time spent working: the whole run on one thread, the sum of its slices when sliced. */
  elapsedMs: number;
  /** Derived from the work so the optimiser cannot drop it. */
  checksum: number;
}

function cpuIteration(seed: number): number {
  let x = seed | 0 || 1;
  for (let i = 0; i < CPU_STEPS_PER_ITERATION; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

let sleepCell: Int32Array | undefined;
function sleepFor(ms: number): number {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
  return ms;
}

function hashIteration(seed: number): number {
  const digest = pbkdf2Sync(String(seed), HASH_SALT, HASH_ROUNDS_PER_ITERATION, 32, 'sha256');
  return digest.readUInt32LE(0);
}

function iterate(kind: WorkloadKind, seed: number): number {
  switch (kind) {
    case 'cpu':
      return cpuIteration(seed);
    case 'sleep':
      return sleepFor(1);
    case 'hash':
      return hashIteration(seed);
  }
}

/**
 * A workload that can be run in slices: each `runSlice(ms)` works for at most `ms`
 * (at least one iteration, so it always progresses) and says whether the job is finished.
 * Slicing never changes the total work: iteration counts and checksums are the same, and an
 * ms budget is spent as working time, however many slices it takes.
 */
export interface WorkloadRun {
  runSlice(maxMs: number): boolean;
  result(): WorkloadResult;
}

export function startWorkload(spec: WorkloadSpec): WorkloadRun {
  const kind = spec.workload;
  const byTime = 'ms' in spec;
  const budgetMs = byTime ? spec.ms : Number.POSITIVE_INFINITY;
  const count = byTime ? Number.POSITIVE_INFINITY : spec.iterations;
  let iterations = 0;
  let checksum = 0;
  let workedMs = 0;
  let finished = byTime ? budgetMs <= 0 : count <= 0;

  const runSlice = (maxMs: number): boolean => {
    if (finished) return true;
    const started = performance.now();
    if (byTime && kind === 'sleep') {
      // A budget is one wait (the closest analogue of time.sleep), cut at the slice length.
      checksum += sleepFor(Math.min(maxMs, budgetMs - checksum));
      iterations = 1;
      finished = checksum >= budgetMs;
    } else {
      const sliceEnd = started + Math.min(maxMs, budgetMs - workedMs);
      do {
        checksum = (checksum + iterate(kind, checksum + iterations)) >>> 0;
        iterations++;
      } while (iterations < count && performance.now() < sliceEnd);
      finished =
        iterations >= count || (byTime && workedMs + performance.now() - started >= budgetMs);
    }
    workedMs += performance.now() - started;
    return finished;
  };

  return {
    runSlice,
    result: () => ({ workload: kind, iterations, elapsedMs: workedMs, checksum }),
  };
}

/** Runs a validated workload to the end, synchronously, on the calling thread. */
export function runWorkload(spec: WorkloadSpec): WorkloadResult {
  const run = startWorkload(spec);
  run.runSlice(Number.POSITIVE_INFINITY);
  return run.result();
}
