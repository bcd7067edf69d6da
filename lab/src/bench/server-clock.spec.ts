import { describe, expect, it } from 'vitest';
import { cpuNumbers, readServerClock, serverTimeBetween } from './server-clock.js';

const S = 1e9;

describe('server clock', () => {
  it('reads taskset CPU lists', () => {
    expect(cpuNumbers('0')).toEqual([0]);
    expect(cpuNumbers('0-2')).toEqual([0, 1, 2]);
    expect(cpuNumbers('0,3-4')).toEqual([0, 3, 4]);
    expect(() => cpuNumbers('2-1')).toThrow('not a CPU list: "2-1"');
  });

  it('counts the time the thread ran or waited for a CPU, out of the time the VM was not stolen', () => {
    const before = {
      processNs: 11 * S,
      runNs: 10 * S,
      waitNs: 1 * S,
      stealNs: 5 * S,
      wallNs: 100 * S,
    };
    // 10 s between the readings, the load ran 8 s of them; 2 s (20 %) stolen: 8 × 0.8 = 6.4 s
    // the thread could have used; it ran 5.6 s and waited 0.8 s for a CPU.
    // Its helper threads (the garbage collector's) used another 0.4 s.
    const after = {
      processNs: 17 * S,
      runNs: 15.6 * S,
      waitNs: 1.8 * S,
      stealNs: 7 * S,
      wallNs: 110 * S,
    };
    const time = serverTimeBetween(before, after, 8);
    expect(time.mainCpuS).toBeCloseTo(5.6, 9);
    expect(time.processCpuS).toBeCloseTo(6, 9);
    expect(time.stealShare).toBeCloseTo(0.2, 9);
    expect(time.busy).toBeCloseTo(1, 9);
    // Half as much work in the same time: the load generator, not the server, set the pace.
    const idler = { ...after, runNs: 12.8 * S, waitNs: 1.4 * S };
    expect(serverTimeBetween(before, idler, 8).busy).toBeCloseTo(0.5, 9);
  });

  it("reads this process's main thread; null for a process that is not there", () => {
    const clock = readServerClock(process.pid, null);
    if (process.platform === 'linux') {
      expect(clock?.runNs).toBeGreaterThan(0);
      expect(clock?.processNs).toBeGreaterThanOrEqual(clock?.runNs ?? 0);
      expect(clock?.stealNs).toBeGreaterThanOrEqual(0);
    }
    expect(readServerClock(2 ** 22 + 12345, null)).toBeNull();
    expect(readServerClock(undefined, '0')).toBeNull();
  });
});
