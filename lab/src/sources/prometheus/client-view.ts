import { METRICS, type MetricDefinition } from '@looplab/contract';
import type { Role } from '../../model.js';
import { highestBucketBound, quantileInBucket } from '../../stats/histogram.js';
import type { SecondStats } from '../../stats/series.js';
import type { ClientView, LatencyFigures } from '../measurements.js';
import type { MeasurePhase } from './phases.js';
import type { Labels, Series, SeriesSet } from './series.js';

const M = METRICS;
/** A bucket "has observations" over a whole phase when it holds at least half a request. */
export const MIN_COUNT_PHASE = 0.5;
/** Within one second, interpolated counts are fractions of a scrape interval's observations. */
const MIN_COUNT_SECOND = 0.05;

const bucketsOf = (metric: MetricDefinition): string => `${metric.name}_bucket`;
const ms = (seconds: number): number => seconds * 1000;

/** The labels of a phase's client series for one role (none of target for runs before it existed). */
export function clientLabels(phase: MeasurePhase, role: Role): Labels {
  return { ...(phase.target ? { target: phase.target } : {}), strategy: phase.strategy, role };
}

/**
 * The load generator's counters of one phase (labelled with testid, target, strategy, role), read
 * at the phase's estimated start (interpolated between scrapes) and right after the phase: they
 * do not move once its attacks are over. Percentiles come from the bucket increases.
 */
export function clientView(client: SeriesSet, phase: MeasurePhase, durationS: number): ClientView {
  const atStart = (series: Series) => client.counterAt(series, phase.start);
  const afterPhase = (series: Series) => client.counterAfter(series, phase.last);
  const count = (name: string, match: Labels, before = atStart, keep = (_: Series) => true) => {
    const series = client.select(name, match).filter(keep);
    const total = (read: (s: Series) => number) => series.reduce((sum, s) => sum + read(s), 0);
    return Math.round(Math.max(0, total(afterPhase) - total(before)));
  };
  const sent = (role: Role) => count(M.clientRequests.name, clientLabels(phase, role));
  // The runner adds a phase's dropped requests when the phase ends, before the next one starts:
  // read from the first scrape of the phase, the warm-up's drops are already in.
  const dropped = (role: Role) =>
    count(M.clientDropped.name, clientLabels(phase, role), (series) =>
      client.counterAt(series, phase.first),
    );
  const latencyBuckets = (role: Role) =>
    client.bucketsBetween(
      bucketsOf(M.clientDuration),
      clientLabels(phase, role),
      atStart,
      afterPhase,
    );
  const probeBuckets = (from: number, to: number) =>
    client.bucketsBetween(
      bucketsOf(M.clientDuration),
      clientLabels(phase, 'probe'),
      (series) => client.counterAt(series, from),
      (series) => client.counterAt(series, to),
    );
  return {
    seconds: phase.end - phase.start,
    expected: {
      probe: sent('probe') + dropped('probe'),
      trigger: sent('trigger') + dropped('trigger'),
    },
    sent: { probe: sent('probe'), trigger: sent('trigger') },
    answered: (role, accepts) =>
      count(M.clientRequests.name, clientLabels(phase, role), atStart, (series) =>
        accepts(Number(series.labels.status)),
      ),
    latency: (role) => latencyOf(latencyBuckets(role), MIN_COUNT_PHASE),
    probeSeconds: () => probeSeconds(client, phase, durationS, probeBuckets),
  };
}

/** Percentiles of a bucket increase, ms; max is the upper bound of the highest filled bucket. */
function latencyOf(increase: Array<[number, number]>, minCount: number): LatencyFigures {
  const at = (q: number) => quantileInBucket(increase, q);
  const range = (q: number) => {
    const { low, high } = at(q);
    return { low: ms(low), high: ms(high) };
  };
  return {
    p50: ms(at(0.5).value),
    p90: ms(at(0.9).value),
    p95: ms(at(0.95).value),
    p99: ms(at(0.99).value),
    max: ms(highestBucketBound(increase, minCount)),
    ranges: { p50: range(0.5), p95: range(0.95), p99: range(0.99) },
    rangeKind: 'bucket',
  };
}

/**
 * One entry per second of the phase, t = 1..N (the window (t − 1, t] s after the estimated start):
 * probe percentiles over the last max(1 s, scrape interval) of client buckets.
 */
function probeSeconds(
  client: SeriesSet,
  phase: MeasurePhase,
  durationS: number,
  probeBuckets: (from: number, to: number) => Array<[number, number]>,
): SecondStats[] {
  // The run's duration, or less when Prometheus saw only part of this phase.
  const n = Math.max(1, Math.min(durationS, Math.round(phase.end - phase.start)));
  const window = Math.max(1, Number.isFinite(client.interval) ? client.interval : 1);
  const total = (increase: Array<[number, number]>) => increase.at(-1)?.[1] ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const to = phase.start + i + 1;
    const second = probeBuckets(to - 1, to);
    const recent = window > 1 ? probeBuckets(to - window, to) : second;
    const enough = total(recent) >= MIN_COUNT_PHASE;
    const figures = latencyOf(recent, MIN_COUNT_SECOND);
    const known = (value: number) => (enough && Number.isFinite(value) ? value : null);
    return {
      t: i + 1,
      count: Math.round(total(second)),
      p50: known(figures.p50),
      p95: known(figures.p95),
      p99: known(figures.p99),
      max: known(figures.max),
    };
  });
}
