import { pbkdf2Sync } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * The workloads, as pure synchronous functions. The main thread (blocking strategy)
 * and the pool workers (pooled strategy) run exactly this code, so any difference
 * between strategies comes from *where* it runs, never from *what* runs.
 */
export const WORKLOAD_KINDS = ['cpu', 'sleep', 'hash'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Either a wall-clock budget or a fixed amount of work; never both. */
export type WorkloadSize = { ms: number } | { iterations: number };
export type WorkloadSpec = { workload: WorkloadKind } & WorkloadSize;

export const MAX_WORKLOAD_MS = 10_000;

/** One iteration of each kind, so iteration counts mean the same on every machine. */
export const ITERATION_MEANING: Record<WorkloadKind, string> = {
  cpu: `${10_000} xorshift32 steps`,
  sleep: '1 ms of Atomics.wait',
  hash: 'one pbkdf2Sync(sha256, 1000 rounds, 32 bytes)',
};

/** Caps chosen so the largest job of each kind takes seconds, not minutes, on a laptop core. */
export const MAX_ITERATIONS: Record<WorkloadKind, number> = {
  cpu: 200_000,
  sleep: MAX_WORKLOAD_MS,
  hash: 20_000,
};

const CPU_STEPS_PER_ITERATION = 10_000;
const HASH_ROUNDS_PER_ITERATION = 1_000;
const HASH_SALT = Buffer.from('looplab-salt');

export interface WorkloadResult {
  workload: WorkloadKind;
  iterations: number;
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
function sleepIteration(ms: number): number {
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
      return sleepIteration(1);
    case 'hash':
      return hashIteration(seed);
  }
}

function runForDuration(kind: WorkloadKind, ms: number, started: number): WorkloadResult {
  const deadline = started + ms;
  if (kind === 'sleep') {
    // One wait for the whole budget: the closest analogue of time.sleep(ms / 1000).
    sleepIteration(ms);
    return { workload: kind, iterations: 1, elapsedMs: performance.now() - started, checksum: ms };
  }
  let iterations = 0;
  let checksum = 0;
  while (performance.now() < deadline) {
    checksum = (checksum + iterate(kind, checksum + iterations)) >>> 0;
    iterations++;
  }
  return { workload: kind, iterations, elapsedMs: performance.now() - started, checksum };
}

function runIterations(kind: WorkloadKind, count: number, started: number): WorkloadResult {
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    checksum = (checksum + iterate(kind, checksum + i)) >>> 0;
  }
  return { workload: kind, iterations: count, elapsedMs: performance.now() - started, checksum };
}

/** Runs a validated workload synchronously on the calling thread. */
export function runWorkload(spec: WorkloadSpec): WorkloadResult {
  const started = performance.now();
  return 'ms' in spec
    ? runForDuration(spec.workload, spec.ms, started)
    : runIterations(spec.workload, spec.iterations, started);
}
