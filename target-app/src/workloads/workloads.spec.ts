import { pbkdf2Sync } from 'node:crypto';
import { MAX_ITERATIONS, WORKLOAD_KINDS, WORKLOAD_MS, type WorkloadKind } from '@looplab/contract';
import { describe, expect, it, vi } from 'vitest';
import { ITERATION_MEANING } from './iteration-meaning.js';
import { runWorkload, startWorkload } from './workloads.js';

const MAX_WORKLOAD_MS = WORKLOAD_MS.max;

/** Independent re-implementation of one cpu iteration (10,000 xorshift32 steps). */
function referenceCpuIteration(seed: number): number {
  let x = seed | 0 || 1;
  for (let i = 0; i < 10_000; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

/** Independent re-implementation of one hash iteration (pbkdf2Sync sha256, 1000 rounds). */
function referenceHashIteration(seed: number): number {
  return pbkdf2Sync(String(seed), 'looplab-salt', 1_000, 32, 'sha256').readUInt32LE(0);
}

function referenceChecksum(iteration: (seed: number) => number, count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum = (checksum + iteration(checksum + i)) >>> 0;
  return checksum;
}

describe('workload constants', () => {
  it('caps a wall-clock budget at 10 s', () => {
    expect(MAX_WORKLOAD_MS).toBe(10_000);
  });

  it('has a positive integer iteration cap and a meaning for every workload kind', () => {
    expect(Object.keys(MAX_ITERATIONS).sort()).toEqual([...WORKLOAD_KINDS].sort());
    expect(Object.keys(ITERATION_MEANING).sort()).toEqual([...WORKLOAD_KINDS].sort());
    for (const kind of WORKLOAD_KINDS) {
      expect(Number.isInteger(MAX_ITERATIONS[kind])).toBe(true);
      expect(MAX_ITERATIONS[kind]).toBeGreaterThan(0);
      expect(ITERATION_MEANING[kind].length).toBeGreaterThan(0);
    }
  });

  it('lets the sleep iteration cap (1 ms each) match the wall-clock cap', () => {
    expect(MAX_ITERATIONS.sleep).toBe(MAX_WORKLOAD_MS);
  });
});

describe('runWorkload in ms mode', () => {
  it('sleeps for the whole budget in one wait', () => {
    const result = runWorkload({ workload: 'sleep', ms: 50 });
    expect(result.workload).toBe('sleep');
    expect(result.iterations).toBe(1);
    expect(result.checksum).toBe(50);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(49);
    expect(result.elapsedMs).toBeLessThan(200);
  });

  it.each(['cpu', 'hash'] as const)('%s runs for at least the budget', (workload) => {
    const result = runWorkload({ workload, ms: 30 });
    expect(result.workload).toBe(workload);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(30);
    // Generous: one hash iteration is ~1 ms, but a noisy box may deschedule us.
    expect(result.elapsedMs).toBeLessThan(1_000);
    expect(result.iterations).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(result.checksum)).toBe(true);
    expect(result.checksum).toBeGreaterThanOrEqual(0);
    expect(result.checksum).toBeLessThan(2 ** 32);
  });

  it('really blocks the thread for the cpu budget (measured from outside)', () => {
    const before = performance.now();
    runWorkload({ workload: 'cpu', ms: 40 });
    expect(performance.now() - before).toBeGreaterThanOrEqual(40);
  });

  it('does no work for a zero budget', () => {
    const result = runWorkload({ workload: 'cpu', ms: 0 });
    expect(result.iterations).toBe(0);
    expect(result.checksum).toBe(0);
  });
});

describe('runWorkload in iterations mode', () => {
  it('reports the requested iteration count for every kind', () => {
    const counts: Record<WorkloadKind, number> = { cpu: 25, sleep: 5, hash: 3 };
    for (const workload of WORKLOAD_KINDS) {
      const result = runWorkload({ workload, iterations: counts[workload] });
      expect(result).toMatchObject({ workload, iterations: counts[workload] });
      expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives cpu a deterministic checksum: 10,000 xorshift32 steps per iteration', () => {
    const first = runWorkload({ workload: 'cpu', iterations: 20 });
    const second = runWorkload({ workload: 'cpu', iterations: 20 });
    expect(second.checksum).toBe(first.checksum);
    expect(first.checksum).toBe(referenceChecksum(referenceCpuIteration, 20));
    expect(runWorkload({ workload: 'cpu', iterations: 21 }).checksum).not.toBe(first.checksum);
  });

  it('gives hash a deterministic checksum: one pbkdf2Sync per iteration', () => {
    const first = runWorkload({ workload: 'hash', iterations: 3 });
    const second = runWorkload({ workload: 'hash', iterations: 3 });
    expect(second.checksum).toBe(first.checksum);
    expect(first.checksum).toBe(referenceChecksum(referenceHashIteration, 3));
    expect(runWorkload({ workload: 'hash', iterations: 2 }).checksum).not.toBe(first.checksum);
  });

  it('sleeps about 1 ms per sleep iteration', () => {
    const result = runWorkload({ workload: 'sleep', iterations: 10 });
    expect(result.checksum).toBe(10);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(9);
    expect(result.elapsedMs).toBeLessThan(500);
  });
});

describe('startWorkload: slicing never changes the total work', () => {
  function sliced(spec: Parameters<typeof startWorkload>[0], sliceMs: number) {
    const run = startWorkload(spec);
    let slices = 0;
    let longest = 0;
    for (;;) {
      const started = performance.now();
      const finished = run.runSlice(sliceMs);
      longest = Math.max(longest, performance.now() - started);
      slices++;
      if (finished) return { result: run.result(), slices, longest };
      if (slices > 100_000) throw new Error('never finished');
    }
  }

  it.each([
    ['cpu', 400],
    ['hash', 20],
    ['sleep', 12],
  ] as const)(
    '%s by iterations: same count and checksum as in one piece',
    (workload, iterations) => {
      const whole = runWorkload({ workload, iterations });
      const { result, slices } = sliced({ workload, iterations }, 2);
      expect(result.iterations).toBe(iterations);
      expect(result.checksum).toBe(whole.checksum);
      expect(slices).toBeGreaterThan(1);
    },
  );

  it.each(['cpu', 'hash'] as const)(
    '%s by ms: spends the budget as working time, slice by slice',
    (workload) => {
      // A clock that advances 1 ms per reading: each iteration "costs" 1 ms, whatever the box's load.
      let now = 0;
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => ++now);
      try {
        const run = startWorkload({ workload, ms: 40 });
        const sliceLengths: number[] = [];
        let finished = false;
        while (!finished) {
          const before = now;
          finished = run.runSlice(5);
          sliceLengths.push(now - before);
        }
        const result = run.result();
        expect(result.elapsedMs).toBeGreaterThanOrEqual(40);
        expect(result.elapsedMs).toBeLessThan(40 + 5 * 3);
        // Every slice stops within a reading or two of its 5 ms.
        expect(Math.max(...sliceLengths)).toBeLessThanOrEqual(8);
        expect(sliceLengths.length).toBeGreaterThanOrEqual(6);
      } finally {
        clock.mockRestore();
      }
    },
  );

  it('sleep by ms: the budget is slept in slices of at most the slice length', () => {
    const { result, slices, longest } = sliced({ workload: 'sleep', ms: 30 }, 5);
    expect(result).toMatchObject({ workload: 'sleep', iterations: 1, checksum: 30 });
    expect(slices).toBe(6);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(29);
    // Atomics.wait can overshoot on a busy box, but not by a whole budget.
    expect(longest).toBeLessThan(30);
  });

  it('a zero budget is finished before it starts', () => {
    const run = startWorkload({ workload: 'cpu', ms: 0 });
    expect(run.runSlice(5)).toBe(true);
    expect(run.result()).toMatchObject({ iterations: 0, checksum: 0 });
  });

  it('always makes progress, even with a slice shorter than one iteration', () => {
    const run = startWorkload({ workload: 'hash', iterations: 3 });
    expect(run.runSlice(0)).toBe(false);
    expect(run.result().iterations).toBe(1);
  });
});
