import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS } from './contract.generated.js';
import { metricOptions } from './metric-options.js';
import { type DetectedStall, STALL_CLASSES } from './stall-detector.js';

/** Stalls as counters by class, plus the threshold that decided what counted. */
export class StallMetrics {
  private readonly stalls: Counter<'class'>;
  private readonly stalledSeconds: Counter<'class'>;

  constructor(registry: Registry, thresholdMs: number) {
    this.stalls = new Counter({ ...metricOptions(METRICS.eventLoopStalls), registers: [registry] });
    this.stalledSeconds = new Counter({
      ...metricOptions(METRICS.eventLoopStalledSeconds),
      registers: [registry],
    });
    // Every class this runtime can produce exists from the first scrape, so rate() works.
    for (const stallClass of STALL_CLASSES) {
      this.stalls.inc({ class: stallClass }, 0);
      this.stalledSeconds.inc({ class: stallClass }, 0);
    }
    new Gauge({
      ...metricOptions(METRICS.eventLoopStallThreshold),
      registers: [registry],
    }).set(thresholdMs / 1000);
  }

  record(stall: DetectedStall): void {
    this.stalls.inc({ class: stall.class });
    this.stalledSeconds.inc({ class: stall.class }, stall.durationMs / 1000);
  }
}
