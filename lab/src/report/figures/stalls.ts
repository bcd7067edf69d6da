import type { MetricsSample } from '../../model.js';
import type { AppTimeline, ClientView, StallEvidence } from '../../sources/measurements.js';
import {
  STALL_CLASSES,
  type StallAttribution,
  type StallFigures,
  type StallRecord,
} from '../../stall-model.js';
import { foldStalls, stallsEndingIn } from '../stalls/fold.js';
import { topFrames } from '../stalls/top-frames.js';
import { phaseCount, samplesIn, scrapedDuring } from './timeline.js';

/** What a source without the stall lists (Prometheus keeps counters) says of the frames. */
export const NO_STALL_LIST =
  'no attribution: this source has the stall counters only; the frames are in the raw.json of the run folder';

type Read = (sample: MetricsSample) => number;

/** Each class's stalls and stalled ms over the phase, from the counters at its two instants. */
function countersOf(app: AppTimeline): Pick<StallFigures, 'count' | 'stalledMs' | 'byClass'> {
  const byClass: StallFigures['byClass'] = {};
  let count = 0;
  let stalledMs = 0;
  for (const kind of STALL_CLASSES) {
    const counted: Read = (sample) => sample.stalls?.count[kind] ?? 0;
    const seconds: Read = (sample) => sample.stalls?.seconds[kind] ?? 0;
    // Counters read between scrapes (Prometheus' phase edges) are fractions of a stall.
    const n = Math.round(phaseCount(app, counted));
    const ms = phaseCount(app, seconds) * 1000;
    count += n;
    stalledMs += ms;
    if (n > 0) byClass[kind] = { count: n, stalledMs: ms };
  }
  return { count, stalledMs, byClass };
}

/** How long an on_cpu stall's thread did not run in it (0 when its CPU time is unknown). */
function waitedForCpu(stall: StallRecord): number {
  return stall.class === 'on_cpu' && stall.cpuMs !== null
    ? Math.max(0, stall.durationMs - stall.cpuMs)
    : 0;
}

function attributionOf(
  evidence: StallEvidence | undefined,
  inPhase: readonly StallRecord[],
): StallAttribution {
  const none = { stalls: 0, stalledMs: 0, dropped: 0, waitedForCpuMs: 0 };
  if (!evidence) return { state: 'unavailable', note: NO_STALL_LIST, ...none };
  const { stalls } = evidence;
  if (stalls.status === 'unavailable')
    return {
      state: 'unavailable',
      note: `no attribution from this target: ${stalls.reason}`,
      ...none,
    };
  const held = {
    stalls: inPhase.length,
    stalledMs: inPhase.reduce((sum, stall) => sum + stall.durationMs, 0),
    dropped: Math.max(0, stalls.answer.dropped - stalls.droppedBefore),
    waitedForCpuMs: inPhase.reduce((sum, stall) => sum + waitedForCpu(stall), 0),
  };
  return stalls.answer.attribution
    ? { state: 'on', ...held }
    : { state: 'off', note: 'attribution off in the app (LOOPLAB_ATTRIBUTION=off)', ...held };
}

/**
 * A row's stalls: how many and how long (the app's stall counters over the phase, as every other
 * app figure), and what ran in them (the stalls the runner fetched that ended in the same span,
 * folded and time-weighted). Undefined when the app neither counts nor lists stalls.
 */
export function stallsOf(
  app: AppTimeline,
  client: ClientView,
  evidence: StallEvidence | undefined,
): StallFigures | undefined {
  const counted = app.samples.some((sample) => sample.stalls !== undefined);
  if (!counted && !evidence) return undefined;
  const scraped = scrapedDuring(app);
  const counters =
    counted && scraped
      ? countersOf(app)
      : { count: Number.NaN, stalledMs: Number.NaN, byClass: {} as StallFigures['byClass'] };
  // The counters' span; without scrapes, the whole phase as the load generator timed it.
  const [from, to] = scraped ? [app.from, app.to] : [0, client.seconds * 1000];
  const fetched = evidence?.stalls.status === 'fetched' ? evidence.stalls.answer : undefined;
  const inPhase =
    evidence && fetched ? stallsEndingIn(fetched.stalls, evidence.phaseStartMs, from, to) : [];
  const attribution = attributionOf(evidence, inPhase);
  const stacks = attribution.state === 'on' ? foldStalls(inPhase) : [];
  const threshold = samplesIn(app, from, to)
    .map((sample) => sample.stalls?.thresholdS)
    .findLast((value) => value !== undefined);
  return {
    ...counters,
    thresholdMs: threshold !== undefined ? threshold * 1000 : (fetched?.thresholdMs ?? Number.NaN),
    attribution,
    // Python's sampler gives the line running, Node's profile the line a function starts on.
    top: topFrames(stacks, fetched?.runtime === 'python' ? 'running' : 'function'),
    stacks,
  };
}
