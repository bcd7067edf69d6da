import { describe, expect, it } from 'vitest';
import { StallLog } from './stall-log.js';

const stall = (durationMs: number) => ({
  startMs: 0,
  endMs: durationMs,
  durationMs,
  class: 'on_cpu' as const,
  cpuMs: durationMs,
  samples: 0,
  stacks: [],
});

describe('the bounded stall log', () => {
  it('hands out stalls from a cursor, and next is the cursor for the following read', () => {
    const log = new StallLog(10);
    for (const ms of [60, 70, 80]) log.add(stall(ms));
    const first = log.read();
    expect(first.stalls.map((s) => s.seq)).toEqual([0, 1, 2]);
    expect(first.next).toBe(3);
    log.add(stall(90));
    expect(log.read(first.next).stalls.map((s) => s.durationMs)).toEqual([90]);
    expect(log.read(99).stalls).toEqual([]);
  });

  it('counts as dropped only the stalls evicted before anyone read them', () => {
    const log = new StallLog(2);
    log.add(stall(60));
    log.add(stall(70));
    expect(log.read().dropped).toBe(0);
    log.add(stall(80)); // evicts seq 0, which was read
    expect(log.read(3).dropped).toBe(0);
    log.add(stall(90));
    log.add(stall(100));
    log.add(stall(110)); // evicts seq 2 and 3: 3 was never read
    const page = log.read();
    expect(page.dropped).toBe(1);
    expect(page.stalls.map((s) => s.seq)).toEqual([4, 5]);
  });
});
