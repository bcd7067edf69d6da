import type { CpuProfile } from './cpu-profile.js';
import { foldWindow, ProfileIndex, type TimeWindow } from './fold.js';
import { FrameResolver } from './frames.js';
import { ContinuousProfiler } from './profiler.js';
import type { StallRecord } from './stall-document.js';

/**
 * Names what ran during each stall: stalls wait here until the profile that holds their
 * window is collected (by rotation, periodically or when a reader asks), then get its
 * samples inside the window, folded by stack. Nothing starts or stops because of a stall.
 */
export class StallAttribution {
  private readonly profiler: ContinuousProfiler;
  private readonly frames = new FrameResolver();
  private pending: Array<{ record: StallRecord; window: TimeWindow }> = [];
  private collectedAt = performance.now();

  constructor(
    sampleIntervalMs: number,
    private readonly maxStacks: number,
    private readonly maxProfileAgeMs: number,
  ) {
    this.profiler = new ContinuousProfiler(sampleIntervalMs);
  }

  /** Whether a periodic collection should run now: stalls wait to be named, or the profile is old. */
  due(now = performance.now()): boolean {
    return this.pending.length > 0 || now - this.collectedAt >= this.maxProfileAgeMs;
  }

  add(record: StallRecord, window: TimeWindow): void {
    this.pending.push({ record, window });
  }

  /** Collects the running profile (the next one is already running) and names pending stalls. */
  collect(): void {
    this.collectedAt = performance.now();
    this.attribute(this.profiler.rotate());
  }

  stop(): void {
    this.attribute(this.profiler.stop());
  }

  private attribute(profile: CpuProfile | undefined): void {
    const pending = this.pending;
    this.pending = [];
    if (!profile || pending.length === 0) return;
    const index = new ProfileIndex(profile);
    for (const { record, window } of pending) {
      const fold = foldWindow(index, window, this.frames.resolve, this.maxStacks);
      record.samples = fold.samples;
      record.stacks = fold.stacks;
    }
  }
}
