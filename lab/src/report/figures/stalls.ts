import type { MetricsSample } from '../../model.js';
import type { AppTimeline, ClientView, StallEvidence } from '../../sources/measurements.js';
import {
  STALL_CLASSES,
  type StallAttribution,
  type StallFigures,
  type StallRecord,
  type StallsAnswer,
} from '../../stall-model.js';
import { foldStalls, stallsEndingIn } from '../stalls/fold.js';
import { topFrames } from '../stalls/top-frames.js';
import { phaseCount, samplesIn, scrapedDuring, valueAt } from './timeline.js';

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

/** All classes' stalls the app had counted. */
const countedSoFar: Read = (sample) =>
  STALL_CLASSES.reduce((sum, kind) => sum + (sample.stalls?.count[kind] ?? 0), 0);

/**
 * The listed stalls the counters counted over the phase, by number: both packages count a stall
 * and number it (from 0) as one step, so the stalls counted between the phase's two instants are
 * the ones numbered from the first count to the second. Exact where a time window is not: a
 * stall that held up the first scrape ends before that scrape is stamped, yet is counted after
 * it was read. Undefined when the numbers do not line up (the counters restarted, a service that
 * counts otherwise): the stalls are then taken by the time they ended.
 */
function countedInPhase(
  app: AppTimeline,
  answer: StallsAnswer,
  phaseStartMs: number,
): StallRecord[] | undefined {
  if (!scrapedDuring(app) || !app.samples.some((sample) => sample.stalls)) return undefined;
  const first = valueAt(app, app.from, countedSoFar);
  const last = valueAt(app, app.to, countedSoFar);
  if (!Number.isInteger(first) || !Number.isInteger(last) || last > answer.next) return undefined;
  const numbered = answer.stalls.filter((stall) => stall.seq >= first && stall.seq < last);
  // Every one of them listed, and each ended within a scrape interval of the phase's span.
  const slack = Number.isFinite(app.scrapeIntervalMs) ? app.scrapeIntervalMs : 1000;
  const near = (stall: StallRecord) => {
    const end = stall.endMs - phaseStartMs;
    return end > app.from - slack && end <= app.to + slack;
  };
  return numbered.length === last - first && numbered.every(near) ? numbered : undefined;
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
 * app figure), and what ran in them (the same stalls from the list the runner fetched, folded
 * and time-weighted). Undefined when the app neither counts nor lists stalls.
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
    evidence && fetched
      ? (countedInPhase(app, fetched, evidence.phaseStartMs) ??
        stallsEndingIn(fetched.stalls, evidence.phaseStartMs, from, to))
      : [];
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
