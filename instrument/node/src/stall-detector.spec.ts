import { afterEach, describe, expect, it } from 'vitest';
import { monotonicUs } from './monotonic.js';
import { type DetectedStall, StallDetector } from './stall-detector.js';

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}
const cell = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(cell, 0, 0, ms);
const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the stall detector (heartbeat on the loop, real time)', () => {
  let detector: StallDetector | undefined;
  afterEach(() => detector?.stop());

  const detect = (thresholdMs: number) => {
    const stalls: DetectedStall[] = [];
    detector = new StallDetector(thresholdMs, (stall) => stalls.push(stall));
    return stalls;
  };

  it('finds a CPU burn longer than the threshold, on_cpu, its window starting after the idle time before it', async () => {
    const stalls = detect(30);
    await idle(40); // the loop waits for a timer: idle, not a stall
    const startedUs = monotonicUs();
    burn(80);
    const endedUs = monotonicUs();
    detector?.beat();
    expect(stalls).toHaveLength(1);
    const [stall] = stalls;
    expect(stall?.class).toBe('on_cpu');
    // The window covers the burn, give or take the callbacks around it.
    expect(stall?.startUs).toBeLessThanOrEqual(startedUs + 1000);
    expect(stall?.startUs).toBeGreaterThan(startedUs - 15_000);
    expect(stall?.endUs).toBeGreaterThanOrEqual(endedUs);
    expect(stall?.durationMs).toBeGreaterThanOrEqual(80);
    expect(stall?.durationMs).toBeLessThan(120); // a busy machine may add a little
    expect(stall?.endMs ?? 0).toBeCloseTo((stall?.startMs ?? 0) + (stall?.durationMs ?? 0), 6);
  });

  it('classes a synchronous wait as off_cpu, with little CPU time of its own', async () => {
    const stalls = detect(30);
    await idle(20);
    sleep(80);
    detector?.beat();
    expect(stalls.map((s) => s.class)).toEqual(['off_cpu']);
    expect(stalls[0]?.cpuMs).toBeLessThan(20);
  });

  it('finds nothing in work shorter than the threshold, with the loop turning between', async () => {
    const stalls = detect(30);
    for (let i = 0; i < 5; i++) {
      burn(10);
      await idle(1);
    }
    detector?.beat();
    expect(stalls).toEqual([]);
  });
});
