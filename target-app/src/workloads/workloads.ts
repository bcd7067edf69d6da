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

/** Iterations done so far and their running checksum, carried across slices. */
interface Progress {
  iterations: number;
  checksum: number;
}

/*
 * One function per kind runs whole iterations until the slice ends or the count is reached,
 * with the iteration's body written inside it: V8's CPU profile charges code the JIT inlined
 * to the function it was inlined into, so a helper per iteration would appear under one name
 * or another depending on what got inlined. This way a stall is named burnCpu, hashFor or
 * sleepFor, whatever the JIT does.
 */

/** 10,000 xorshift32 steps per iteration, seeded with checksum + iteration number. */
function burnCpu(progress: Progress, sliceEnd: number, count: number): void {
  do {
    let x = (progress.checksum + progress.iterations) | 0 || 1;
    for (let i = 0; i < CPU_STEPS_PER_ITERATION; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    progress.checksum = (progress.checksum + (x >>> 0)) >>> 0;
    progress.iterations++;
  } while (progress.iterations < count && performance.now() < sliceEnd);
}

/** One pbkdf2Sync (1,000 SHA-256 rounds) per iteration. */
function hashFor(progress: Progress, sliceEnd: number, count: number): void {
  do {
    const seed = progress.checksum + progress.iterations;
    const digest = pbkdf2Sync(String(seed), HASH_SALT, HASH_ROUNDS_PER_ITERATION, 32, 'sha256');
    progress.checksum = (progress.checksum + digest.readUInt32LE(0)) >>> 0;
    progress.iterations++;
  } while (progress.iterations < count && performance.now() < sliceEnd);
}

let sleepCell: Int32Array | undefined;
/** A synchronous sleep (the closest analogue of time.sleep): the thread waits, off the CPU. */
function sleepFor(ms: number): number {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
  return ms;
}

/** Sleep sized by iterations: 1 ms each. */
function sleepIterations(progress: Progress, sliceEnd: number, count: number): void {
  do {
    progress.checksum = (progress.checksum + sleepFor(1)) >>> 0;
    progress.iterations++;
  } while (progress.iterations < count && performance.now() < sliceEnd);
}

const RUN_ITERATIONS: Record<
  WorkloadKind,
  (progress: Progress, sliceEnd: number, count: number) => void
> = {
  cpu: burnCpu,
  hash: hashFor,
  sleep: sleepIterations,
};

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
  const progress: Progress = { iterations: 0, checksum: 0 };
  let workedMs = 0;
  let finished = byTime ? budgetMs <= 0 : count <= 0;

  const runSlice = (maxMs: number): boolean => {
    if (finished) return true;
    const started = performance.now();
    if (byTime && kind === 'sleep') {
      // A budget is one wait (the closest analogue of time.sleep), cut at the slice length.
      progress.checksum += sleepFor(Math.min(maxMs, budgetMs - progress.checksum));
      progress.iterations = 1;
      finished = progress.checksum >= budgetMs;
    } else {
      RUN_ITERATIONS[kind](progress, started + Math.min(maxMs, budgetMs - workedMs), count);
      finished =
        progress.iterations >= count ||
        (byTime && workedMs + performance.now() - started >= budgetMs);
    }
    workedMs += performance.now() - started;
    return finished;
  };

  return {
    runSlice,
    result: () => ({
      workload: kind,
      iterations: progress.iterations,
      elapsedMs: workedMs,
      checksum: progress.checksum,
    }),
  };
}

/** Runs a validated workload to the end, synchronously, on the calling thread. */
export function runWorkload(spec: WorkloadSpec): WorkloadResult {
  const run = startWorkload(spec);
  run.runSlice(Number.POSITIVE_INFINITY);
  return run.result();
}
