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
  /** The largest delay of each wall-clock second that had one, oldest first. */
  private readonly maximaBySecond: Array<{ second: number; seconds: number }> = [];
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
    const second = Math.floor(Date.now() / MS_PER_SECOND);
    const latest = this.maximaBySecond.at(-1);
    if (latest?.second === second) latest.seconds = Math.max(latest.seconds, delaySeconds);
    else this.maximaBySecond.push({ second, seconds: delaySeconds });
  }

  private currentWindowMax(): number {
    const oldestSecond = Math.floor(Date.now() / MS_PER_SECOND) - this.windowSeconds;
    while ((this.maximaBySecond[0]?.second ?? Number.POSITIVE_INFINITY) < oldestSecond) {
      this.maximaBySecond.shift();
    }
    return this.maximaBySecond.reduce((max, entry) => Math.max(max, entry.seconds), 0);
  }

  private collectUtilization(): void {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.lastUtilization);
    this.lastUtilization = now;
    this.activeSeconds.inc(delta.active / MS_PER_SECOND);
    this.idleSeconds.inc(delta.idle / MS_PER_SECOND);
  }
}
