import { performance } from 'node:perf_hooks';
import { monotonicUs } from './monotonic.js';
import { type ThreadCpuClock, type ThreadCpuReading, threadCpuClock } from './thread-cpu.js';

export type StallClass = 'on_cpu' | 'off_cpu';
export const STALL_CLASSES: readonly StallClass[] = ['on_cpu', 'off_cpu'];

export interface DetectedStall {
  /** The window on the monotonic clock (µs), the clock of the CPU profile's samples. */
  startUs: number;
  endUs: number;
  /** The same window in epoch ms (Date.now()'s clock). */
  startMs: number;
  endMs: number;
  durationMs: number;
  class: StallClass;
  /** The loop thread's own CPU time inside the window. */
  cpuMs: number;
}

interface Beat {
  us: number;
  idleMs: number;
  cpu: ThreadCpuReading;
}

/** Share of a stall the thread must have spent running (or runnable) for it to be on_cpu. */
const ON_CPU_SHARE = 0.5;
const MAX_BEAT_MS = 10;

/**
 * Finds stalls with a heartbeat on the loop itself, independent of the profiler: a timer
 * that notes when the loop last turned. When it runs again after a gap, the gap minus the
 * time the loop spent idle in it (libuv's idle time, from eventLoopUtilization) is how long
 * the loop was held; the idle part comes first (the loop waited for I/O, then a callback ran
 * long), so the stall window starts that much after the previous beat. The thread's CPU time
 * over the window classes it: running or runnable for most of it is on_cpu, else off_cpu.
 */
export class StallDetector {
  private readonly timer: NodeJS.Timeout;
  private last: Beat;

  constructor(
    private readonly thresholdMs: number,
    private readonly onStall: (stall: DetectedStall) => void,
    private readonly cpu: ThreadCpuClock = threadCpuClock(),
  ) {
    this.last = this.now();
    const periodMs = Math.min(MAX_BEAT_MS, Math.max(1, Math.floor(thresholdMs / 2)));
    this.timer = setInterval(() => this.beat(), periodMs);
    this.timer.unref();
  }

  /** Notes a turn of the loop; call it from any callback on the loop thread (it is cheap). */
  beat(): void {
    const now = this.now();
    const previous = this.last;
    this.last = now;
    const idleMs = Math.max(0, now.idleMs - previous.idleMs);
    const heldMs = (now.us - previous.us) / 1000 - idleMs;
    if (heldMs <= this.thresholdMs) return;
    const runMs = now.cpu.runMs - previous.cpu.runMs;
    const waitedForCpuMs =
      now.cpu.runnableWaitMs === null || previous.cpu.runnableWaitMs === null
        ? 0
        : now.cpu.runnableWaitMs - previous.cpu.runnableWaitMs;
    const endMs = Date.now();
    this.onStall({
      startUs: now.us - heldMs * 1000,
      endUs: now.us,
      startMs: endMs - heldMs,
      endMs,
      durationMs: heldMs,
      class: runMs + waitedForCpuMs >= ON_CPU_SHARE * heldMs ? 'on_cpu' : 'off_cpu',
      cpuMs: runMs,
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.cpu.close();
  }

  private now(): Beat {
    return {
      us: monotonicUs(),
      idleMs: performance.eventLoopUtilization().idle,
      cpu: this.cpu.read(),
    };
  }
}
