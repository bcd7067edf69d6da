import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS } from './contract.generated.js';
import { metricOptions } from './metric-options.js';

const MS_PER_SECOND = 1000;

/**
 * Event-loop delay and utilization as *cumulative* series, so any number of readers
 * (Prometheus, the compare runner, curl) can scrape without stealing each other's window.
 *
 * The delay is sampled by a repeating timer of `resolutionMs`: each tick records how much
 * later than due it ran, so an idle loop reads ~0 and a synchronous block of N ms reads N ms
 * (minus at most one resolution). perf_hooks' monitorEventLoopDelay measures the same thing
 * natively, but it has to be reset to read a window from it, and a reset forgets the interval
 * in progress: a stall that ended just before a scrape or a drain vanished from both the
 * histogram and the window max (it failed CI once). Owning the tick loses nothing, and every
 * interval is observed exactly instead of being rebuilt from percentiles.
 */
export class EventLoopDelayMetrics {
  private readonly delay: Histogram;
  private readonly windowMax: Gauge;
  private readonly activeSeconds: Counter;
  private readonly idleSeconds: Counter;
  /**
   * The delays that can still be the window's max (a sliding-window maximum): each entry is
   * larger than every later one, oldest first, with the time its tick ran (performance.now()).
   * Exact, so a reading at t speaks for [t - window, t] and nothing older, which is what the
   * report's window-max rule assumes (lab/src/report/rules/window-max.ts).
   */
  private readonly candidates: Array<{ at: number; seconds: number }> = [];
  private lastUtilization = performance.eventLoopUtilization();
  private lastTick = performance.now();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    registry: Registry,
    private readonly resolutionMs: number,
    private readonly windowSeconds: number,
  ) {
    this.delay = new Histogram({
      ...metricOptions(METRICS.eventLoopDelay),
      registers: [registry],
    });
    this.windowMax = new Gauge({
      ...metricOptions(METRICS.eventLoopDelayWindowMax),
      registers: [registry],
      collect: () => this.windowMax.set(this.currentWindowMax()),
    });
    // Readers need the window to know which part of the past a reading covers.
    new Gauge({
      ...metricOptions(METRICS.eventLoopDelayWindow),
      registers: [registry],
    }).set(windowSeconds);
    this.activeSeconds = new Counter({
      ...metricOptions(METRICS.eventLoopActive),
      registers: [registry],
      collect: () => this.collectUtilization(),
    });
    this.idleSeconds = new Counter({
      ...metricOptions(METRICS.eventLoopIdle),
      registers: [registry],
    });
    this.ticker = setInterval(() => this.tick(), resolutionMs);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
  }

  private tick(): void {
    const now = performance.now();
    const delaySeconds = Math.max(0, now - this.lastTick - this.resolutionMs) / MS_PER_SECOND;
    this.lastTick = now;
    this.delay.observe(delaySeconds);
    const { candidates } = this;
    while ((candidates.at(-1)?.seconds ?? Number.POSITIVE_INFINITY) <= delaySeconds) {
      candidates.pop();
    }
    candidates.push({ at: now, seconds: delaySeconds });
    this.dropOlderThanWindow(now);
  }

  private dropOlderThanWindow(now: number): void {
    const oldest = now - this.windowSeconds * MS_PER_SECOND;
    while ((this.candidates[0]?.at ?? Number.POSITIVE_INFINITY) < oldest) this.candidates.shift();
  }

  private currentWindowMax(): number {
    this.dropOlderThanWindow(performance.now());
    return this.candidates[0]?.seconds ?? 0;
  }

  private collectUtilization(): void {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.lastUtilization);
    this.lastUtilization = now;
    this.activeSeconds.inc(delta.active / MS_PER_SECOND);
    this.idleSeconds.inc(delta.idle / MS_PER_SECOND);
  }
}
