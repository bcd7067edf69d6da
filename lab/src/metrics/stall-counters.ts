import { METRICS } from '@looplab/contract';
import { STALL_CLASSES, type StallClass, type StallCounters } from '../stall-model.js';
import type { MetricReader } from './app-sample.js';

const M = METRICS;

/** The classes with a non-zero value of a counter labelled by class. */
function byClass(reader: MetricReader, name: string): Partial<Record<StallClass, number>> {
  const values: Partial<Record<StallClass, number>> = {};
  for (const kind of STALL_CLASSES) {
    const value = reader.sum(name, { class: kind });
    if (value > 0) values[kind] = value;
  }
  return values;
}

/**
 * The app's stall counters at one scrape (looplab_eventloop_stalls_total and
 * _stalled_seconds_total by class, the threshold gauge), or undefined when it does not count
 * stalls (an older build, another service): no reading is not a reading of no stall.
 */
export function stallCounters(reader: MetricReader): StallCounters | undefined {
  if (!reader.has(M.eventLoopStalls.name)) return undefined;
  const counters: StallCounters = {
    count: byClass(reader, M.eventLoopStalls.name),
    seconds: byClass(reader, M.eventLoopStalledSeconds.name),
  };
  if (reader.has(M.eventLoopStallThreshold.name))
    counters.thresholdS = reader.sum(M.eventLoopStallThreshold.name);
  return counters;
}
