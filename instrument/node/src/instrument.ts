import { register as globalRegistry, type Registry } from 'prom-client';
import { StallAttribution } from './attribution.js';
import { EventLoopDelayMetrics } from './event-loop-delay.js';
import { type HttpHandlers, httpHandlers } from './http.js';
import { type InstrumentOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type DetectedStall, StallDetector } from './stall-detector.js';
import type { StallsDocument } from './stall-document.js';
import { StallLog } from './stall-log.js';
import { StallMetrics } from './stall-metrics.js';

export interface LooplabInstrument extends HttpHandlers {
  /** The settings in force. */
  readonly options: Readonly<ResolvedOptions>;
  /** The stalls held, from `since` (a previous document's `next`) on; all held ones without it. */
  stalls(since?: number): StallsDocument;
  /** Stops the timers and the profiler (the metrics stay registered). */
  stop(): void;
}

/**
 * One call gives a Node service looplab's event-loop instruments on its prom-client registry:
 * the cumulative delay histogram with the exact window max, utilization, stall counters by
 * class, and (unless `attribution: false`) which code ran during each stall.
 */
export function instrument(options: InstrumentOptions = {}): LooplabInstrument {
  const settings = resolveOptions(options);
  const registry: Registry = options.registry ?? globalRegistry;
  const delay = new EventLoopDelayMetrics(registry, settings.resolutionMs, settings.windowSeconds);
  const stallMetrics = new StallMetrics(registry, settings.stallThresholdMs);
  const log = new StallLog(settings.maxStalls);
  // The first profile starts before the heartbeat: starting it takes a while (see profiler.ts).
  const attribution = settings.attribution
    ? new StallAttribution(
        settings.sampleIntervalMs,
        settings.maxStacksPerStall,
        settings.maxProfileAgeMs,
      )
    : undefined;

  const onStall = (stall: DetectedStall): void => {
    stallMetrics.record(stall);
    const record = log.add({
      startMs: stall.startMs,
      endMs: stall.endMs,
      durationMs: stall.durationMs,
      class: stall.class,
      cpuMs: stall.cpuMs,
      samples: 0,
      stacks: [],
    });
    attribution?.add(record, stall);
  };
  const detector = new StallDetector(settings.stallThresholdMs, onStall);

  /** A stall that just ended is detected before the profile holding it is collected. */
  const collect = (): void => {
    detector.beat();
    attribution?.collect();
  };
  // Collected periodically even if nobody reads: soon after a stall (so it gets its frames),
  // and at the latest every maxProfileAgeMs (so the profile's memory stays bounded).
  const collector = setInterval(() => {
    detector.beat();
    if (attribution?.due()) attribution.collect();
  }, settings.collectEveryMs);
  collector.unref();

  const stalls = (since?: number): StallsDocument => {
    collect();
    return {
      schemaVersion: 1,
      runtime: 'node',
      attribution: attribution !== undefined,
      thresholdMs: settings.stallThresholdMs,
      sampleIntervalMs: settings.sampleIntervalMs,
      ...log.read(since),
    };
  };

  return {
    options: settings,
    stalls,
    ...httpHandlers(stalls, settings.serveMetrics ? registry : undefined),
    stop() {
      clearInterval(collector);
      detector.stop();
      attribution?.stop();
      delay.stop();
    },
  };
}
