import { percentile, ratio, sortNumbers } from '../stats/percentiles.js';
import type {
  Comparison,
  CostShares,
  CostSplit,
  Goal,
  RoundResult,
  VariantSummary,
} from './bench-run.js';
import type { Variant } from './variants.js';

/**
 * The targets the bench holds the default to (printed, never a failing exit code): issue 16,
 * the default instrumentation against none at saturation; issue 10, against bare Fastify;
 * issue 17, stall attribution on against off.
 */
export const GOALS = {
  throughputVsOff: 0.85,
  p99VsOff: 1.5,
  throughputVsBare: 0.7,
  attributionThroughput: 0.98,
  attributionP99AddedMs: 1,
};

/**
 * A closed-loop round counts only if the server's main thread was at least this busy (on a CPU
 * or waiting for one, out of the time the VM was not stolen): below it the load generator, not
 * the server, set the req/s, and a cost ratio taken off such a base flatters the costlier
 * variant (an unsaturated server pays per-wake-up costs a saturated one batches).
 */
export const SATURATED_BUSY = 0.95;

const median = (values: readonly number[]) => percentile(sortNumbers(values), 0.5);

function medianOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : median(present);
}

/**
 * A candidate against a reference, each figure the median of the per-round values: within a
 * round the variants run back to back (in rotating order), so a round's ratio cancels the
 * machine's drift between rounds, which on a shared VM moves every variant by ±15 %. Only the
 * rounds in which both servers were saturated pair; a load-bound variant pairs with nothing.
 */
export function compare(
  candidate: VariantSummary | undefined,
  reference: VariantSummary | undefined,
  rounds: readonly RoundResult[],
): Comparison | null {
  if (!candidate || !reference || reference === candidate) return null;
  if (candidate.loadBound || reference.loadBound) return null;
  const pairs = roundPairs(rounds, candidate.variant, reference.variant);
  if (pairs.length === 0) return null;
  const pairedMedian = (of: (mine: RoundResult, theirs: RoundResult) => number | null) =>
    medianOrNull(pairs.map(([mine, theirs]) => of(mine, theirs)));
  const cpuOf = (mine: RoundResult, theirs: RoundResult) =>
    mine.cpuUsPerReq === null || theirs.cpuUsPerReq === null
      ? null
      : { mine: mine.cpuUsPerReq, theirs: theirs.cpuUsPerReq };
  return {
    pairs: pairs.length,
    throughput: pairedMedian((mine, theirs) => ratio(mine.reqPerS, theirs.reqPerS)) ?? Number.NaN,
    p50: pairedMedian((mine, theirs) => ratio(mine.p50Ms, theirs.p50Ms)) ?? Number.NaN,
    p99: pairedMedian((mine, theirs) => ratio(mine.p99Ms, theirs.p99Ms)) ?? Number.NaN,
    p99AddedMs: pairedMedian((mine, theirs) => mine.p99Ms - theirs.p99Ms) ?? Number.NaN,
    cpuUsAdded: pairedMedian((mine, theirs) => {
      const cpu = cpuOf(mine, theirs);
      return cpu === null ? null : cpu.mine - cpu.theirs;
    }),
    capacity: pairedMedian((mine, theirs) => {
      const cpu = cpuOf(mine, theirs);
      return cpu === null ? null : ratio(cpu.theirs, cpu.mine);
    }),
  };
}

/** The rounds both variants ran, neither of them load-bound, as [candidate's, reference's]. */
function roundPairs(
  rounds: readonly RoundResult[],
  candidate: string,
  reference: string,
): Array<[RoundResult, RoundResult]> {
  const pairs: Array<[RoundResult, RoundResult]> = [];
  for (const mine of rounds) {
    if (mine.variant !== candidate || mine.saturated === false) continue;
    const theirs = rounds.find(
      (round) => round.variant === reference && round.round === mine.round,
    );
    if (theirs && theirs.saturated !== false) pairs.push([mine, theirs]);
  }
  return pairs;
}

/** Medians per variant over its rounds, with paired ratios to `off` and `bare` when they ran. */
export function summarizeRounds(
  rounds: readonly RoundResult[],
  variants: readonly Variant[],
  saturatedBusy = SATURATED_BUSY,
): VariantSummary[] {
  const summaries = variants.map((variant): VariantSummary => {
    const mine = rounds.filter((round) => round.variant === variant.name);
    const busy = medianOrNull(mine.map((round) => round.busy));
    const closedLoop = mine.some((round) => round.saturated !== null);
    return {
      variant: variant.name,
      describe: variant.describe,
      rounds: mine.length,
      reqPerS: median(mine.map((round) => round.reqPerS)),
      p50Ms: median(mine.map((round) => round.p50Ms)),
      p99Ms: median(mine.map((round) => round.p99Ms)),
      cpuUsPerReq: medianOrNull(mine.map((round) => round.cpuUsPerReq)),
      mainCpuUsPerReq: medianOrNull(mine.map((round) => round.mainCpuUsPerReq)),
      busy,
      saturatedRounds: mine.filter((round) => round.saturated === true).length,
      loadBound: closedLoop && busy !== null && busy < saturatedBusy,
      vsOff: null,
      vsBare: null,
    };
  });
  const find = (name: string) => summaries.find((summary) => summary.variant === name);
  for (const summary of summaries) {
    summary.vsOff = compare(summary, find('off'), rounds);
    summary.vsBare = compare(summary, find('bare'), rounds);
  }
  return summaries;
}

/** `candidate` over `reference` by name, when both ran (null otherwise). */
export function compareNamed(
  summaries: readonly VariantSummary[],
  rounds: readonly RoundResult[],
  candidate: string,
  reference: string,
): Comparison | null {
  const find = (name: string) => summaries.find((summary) => summary.variant === name);
  return compare(find(candidate), find(reference), rounds);
}

/**
 * Splits the extra a default request costs over bare Fastify into the framework's part (bare
 * → off: Nest, the metrics hook, the app's plumbing) and the instrumentation's part (off →
 * default: spans, context, trace ids), by server CPU per request and, when all three were
 * saturated, by time per request (1 / req/s). Needs all three variants.
 */
export function costShares(summaries: readonly VariantSummary[]): CostShares | null {
  const find = (name: string) => summaries.find((summary) => summary.variant === name);
  const [bare, off, dflt] = [find('bare'), find('off'), find('default')];
  if (!bare || !off || !dflt) return null;
  const timeUs = { bare: 1e6 / bare.reqPerS, off: 1e6 / off.reqPerS, default: 1e6 / dflt.reqPerS };
  const time =
    bare.loadBound || off.loadBound || dflt.loadBound
      ? null
      : { timeUs, ...costSplit(timeUs.off - timeUs.bare, timeUs.default - timeUs.off) };
  const cpu =
    bare.cpuUsPerReq === null || off.cpuUsPerReq === null || dflt.cpuUsPerReq === null
      ? null
      : costSplit(off.cpuUsPerReq - bare.cpuUsPerReq, dflt.cpuUsPerReq - off.cpuUsPerReq);
  return { time, cpu };
}

function costSplit(frameworkUs: number, instrumentationUs: number): CostSplit {
  const total = frameworkUs + instrumentationUs;
  return {
    frameworkUs,
    instrumentationUs,
    frameworkShare: ratio(frameworkUs, total),
    instrumentationShare: ratio(instrumentationUs, total),
  };
}

type GoalSpec = Omit<Goal, 'value' | 'met' | 'target'> & {
  value: number | null | undefined;
  atMost?: number;
  atLeast?: number;
};

function goal(spec: GoalSpec): Goal[] {
  const { value, atMost, atLeast, ...rest } = spec;
  if (value === null || value === undefined || !Number.isFinite(value)) return [];
  const unit = rest.unit === 'ms' ? ' ms' : '×';
  const sign = rest.unit === 'ms' ? '+' : '';
  if (atMost !== undefined)
    return [{ ...rest, target: `≤ ${sign}${atMost}${unit}`, value, met: value <= atMost }];
  return [{ ...rest, target: `≥ ${atLeast}${unit}`, value, met: value >= (atLeast ?? 0) }];
}

/**
 * The targets, each by req/s as measured and by capacity (CPU per request), which differ on a
 * shared VM where the hypervisor's steal moves req/s but not CPU per request.
 */
export function goals(
  summaries: readonly VariantSummary[],
  attribution: Comparison | null = null,
): Goal[] {
  const dflt = summaries.find((summary) => summary.variant === 'default');
  const vsOff = dflt?.vsOff;
  const vsBare = dflt?.vsBare;
  const issue16 = { source: 'issue 16', unit: 'ratio' } as const;
  const issue10 = { source: 'issue 10', unit: 'ratio' } as const;
  const issue17 = { source: 'issue 17' } as const;
  return [
    ...goal({
      ...issue16,
      measure: 'throughput',
      name: 'default throughput vs off',
      value: vsOff?.throughput,
      atLeast: GOALS.throughputVsOff,
    }),
    ...goal({
      ...issue16,
      measure: 'capacity',
      name: 'default capacity vs off',
      value: vsOff?.capacity,
      atLeast: GOALS.throughputVsOff,
    }),
    ...goal({
      ...issue16,
      measure: 'latency',
      name: 'default p99 vs off',
      value: vsOff?.p99,
      atMost: GOALS.p99VsOff,
    }),
    ...goal({
      ...issue10,
      measure: 'throughput',
      name: 'default throughput vs bare Fastify',
      value: vsBare?.throughput,
      atLeast: GOALS.throughputVsBare,
    }),
    ...goal({
      ...issue10,
      measure: 'capacity',
      name: 'default capacity vs bare Fastify',
      value: vsBare?.capacity,
      atLeast: GOALS.throughputVsBare,
    }),
    ...goal({
      ...issue17,
      unit: 'ratio',
      measure: 'throughput',
      name: 'attribution on vs off, throughput',
      value: attribution?.throughput,
      atLeast: GOALS.attributionThroughput,
    }),
    ...goal({
      ...issue17,
      unit: 'ratio',
      measure: 'capacity',
      name: 'attribution on vs off, capacity',
      value: attribution?.capacity,
      atLeast: GOALS.attributionThroughput,
    }),
    ...goal({
      ...issue17,
      unit: 'ms',
      measure: 'latency',
      name: 'attribution on vs off, p99 added',
      value: attribution?.p99AddedMs,
      atMost: GOALS.attributionP99AddedMs,
    }),
  ];
}

/** Closed-loop variants and rounds whose server was not saturated: left out of the ratios. */
export function loadBoundWarnings(
  summaries: readonly VariantSummary[],
  rounds: readonly RoundResult[],
  saturatedBusy = SATURATED_BUSY,
): string[] {
  const pct = (value: number | null) => `${Math.round((value ?? 0) * 100)} %`;
  const bound = summaries
    .filter((summary) => summary.loadBound)
    .map(
      (summary) =>
        `${summary.variant}: LOAD-BOUND, server main thread busy ${pct(summary.busy)} (median; saturated at ≥ ${pct(saturatedBusy)}): the load generator set its req/s, so it is left out of every ratio`,
    );
  const boundNames = new Set(
    summaries.filter((summary) => summary.loadBound).map((summary) => summary.variant),
  );
  const roundsLeftOut = rounds
    .filter((round) => round.saturated === false && !boundNames.has(round.variant))
    .map(
      (round) =>
        `round ${round.round} ${round.variant}: server busy ${pct(round.busy)}, not saturated: this round enters no ratio`,
    );
  const unchecked = rounds.some((round) => round.saturated === null && round.busy === null)
    ? ['saturation not checked: no /proc/<pid>/task/<pid>/schedstat here (Linux only)']
    : [];
  return [...bound, ...roundsLeftOut, ...unchecked];
}

/** Rounds whose traces did not match the variant (a switch that did not switch), or had errors. */
export function roundWarnings(
  rounds: readonly RoundResult[],
  variants: readonly Variant[],
): string[] {
  const warnings: string[] = [];
  for (const round of rounds) {
    const variant = variants.find((candidate) => candidate.name === round.variant);
    if (variant && round.tracesSeen !== null && round.tracesSeen !== variant.traced) {
      warnings.push(
        `round ${round.round} ${round.variant}: /ping exemplars ${round.tracesSeen ? 'had' : 'had no'} trace ids, expected ${variant.traced ? 'some' : 'none'}`,
      );
    }
    if (round.problems.length > 0) {
      warnings.push(`round ${round.round} ${round.variant}: ${round.problems.join(', ')}`);
    }
  }
  return warnings;
}
