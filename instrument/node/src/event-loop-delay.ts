import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS } from './contract.generated.js';
import { metricOptions } from './metric-options.js';

const NS_PER_SECOND = 1e9;

/**
 * Event-loop delay and utilization as *cumulative* series, so any number of readers
 * (Prometheus, the compare runner, curl) can scrape without stealing each other's window.
 *
 * perf_hooks records the full interval between two ticks of its timer, so an idle loop
 * reads as the timer resolution; the resolution is subtracted so that idle reads ~0 and a
 * synchronous block of N ms reads N ms (minus at most one resolution).
 */
export class EventLoopDelayMetrics {
  private readonly monitor: ReturnType<typeof monitorEventLoopDelay>;
  private readonly delay: Histogram;
  private readonly windowMax: Gauge;
  private readonly activeSeconds: Counter;
  private readonly idleSeconds: Counter;
  private readonly recentMaxima: Array<{ at: number; seconds: number }> = [];
  private lastUtilization = performance.eventLoopUtilization();
  private readonly resolutionNs: number;
  private readonly drainTimer: NodeJS.Timeout;

  constructor(
    registry: Registry,
    resolutionMs: number,
    private readonly windowSeconds: number,
  ) {
    this.resolutionNs = resolutionMs * 1e6;
    this.monitor = monitorEventLoopDelay({ resolution: resolutionMs });
    this.monitor.enable();

    this.delay = new Histogram({
      ...metricOptions(METRICS.eventLoopDelay),
      registers: [registry],
      // Drain before this histogram is serialised, so a scrape includes everything up to now.
      collect: () => this.drain(),
    });
    this.windowMax = new Gauge({
      ...metricOptions(METRICS.eventLoopDelayWindowMax),
      registers: [registry],
      collect: () => {
        this.drain();
        this.windowMax.set(this.currentWindowMax());
      },
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
    // Drain on a timer as well as on scrape, so the window max stays exact between scrapes.
    this.drainTimer = setInterval(() => this.drain(), 1000);
    this.drainTimer.unref();
  }

  stop(): void {
    clearInterval(this.drainTimer);
    this.monitor.disable();
  }

  private toDelaySeconds(intervalNs: number): number {
    return Math.max(0, intervalNs - this.resolutionNs) / NS_PER_SECOND;
  }

  /** Moves what perf_hooks recorded since the last drain into the cumulative histogram. */
  private drain(): void {
    const count = this.monitor.count;
    if (count === 0) return;
    // perf_hooks only exposes the distribution as percentiles; rebuild counts from them.
    let accounted = 0;
    for (const [percentile, valueNs] of this.monitor.percentiles) {
      const upTo = Math.round((percentile / 100) * count);
      const seconds = this.toDelaySeconds(valueNs);
      for (; accounted < upTo; accounted++) this.delay.observe(seconds);
    }
    const maxSeconds = this.toDelaySeconds(this.monitor.max);
    for (; accounted < count; accounted++) this.delay.observe(maxSeconds);
    this.recentMaxima.push({ at: Date.now(), seconds: maxSeconds });
    this.monitor.reset();
  }

  private currentWindowMax(): number {
    const cutoff = Date.now() - this.windowSeconds * 1000;
    while (this.recentMaxima.length > 0 && (this.recentMaxima[0]?.at ?? 0) < cutoff) {
      this.recentMaxima.shift();
    }
    return this.recentMaxima.reduce((max, entry) => Math.max(max, entry.seconds), 0);
  }

  private collectUtilization(): void {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.lastUtilization);
    this.lastUtilization = now;
    this.activeSeconds.inc(delta.active / 1000);
    this.idleSeconds.inc(delta.idle / 1000);
  }
}
