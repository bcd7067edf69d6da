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

/** The issue-10 targets: the default instrumentation against instrumentation off and bare Fastify. */
export const GOALS = {
  throughputVsOff: 0.85,
  p99VsOff: 1.5,
  throughputVsBare: 0.7,
};

const median = (values: readonly number[]) => percentile(sortNumbers(values), 0.5);

function medianOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : median(present);
}

/**
 * A candidate against a reference, each ratio the median of the per-round ratios: within a
 * round the variants run back to back (in rotating order), so a round's ratio cancels the
 * machine's drift between rounds, which on a shared VM moves every variant by ±15 %.
 */
function compare(
  candidate: VariantSummary,
  reference: VariantSummary | undefined,
  rounds: readonly RoundResult[],
): Comparison | null {
  if (!reference || reference === candidate) return null;
  const pairs = roundPairs(rounds, candidate.variant, reference.variant);
  const pairedMedian = (of: (mine: RoundResult, theirs: RoundResult) => number | null) =>
    medianOrNull(pairs.map(([mine, theirs]) => of(mine, theirs)));
  const cpuOf = (mine: RoundResult, theirs: RoundResult) =>
    mine.cpuUsPerReq === null || theirs.cpuUsPerReq === null
      ? null
      : { mine: mine.cpuUsPerReq, theirs: theirs.cpuUsPerReq };
  return {
    throughput: pairedMedian((mine, theirs) => ratio(mine.reqPerS, theirs.reqPerS)) ?? Number.NaN,
    p99: pairedMedian((mine, theirs) => ratio(mine.p99Ms, theirs.p99Ms)) ?? Number.NaN,
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

/** The rounds both variants ran, as [candidate's, reference's]. */
function roundPairs(
  rounds: readonly RoundResult[],
  candidate: string,
  reference: string,
): Array<[RoundResult, RoundResult]> {
  const pairs: Array<[RoundResult, RoundResult]> = [];
  for (const mine of rounds) {
    if (mine.variant !== candidate) continue;
    const theirs = rounds.find(
      (round) => round.variant === reference && round.round === mine.round,
    );
    if (theirs) pairs.push([mine, theirs]);
  }
  return pairs;
}

/** Medians per variant over its rounds, with paired ratios to `off` and `bare` when they ran. */
export function summarizeRounds(
  rounds: readonly RoundResult[],
  variants: readonly Variant[],
): VariantSummary[] {
  const summaries = variants.map((variant): VariantSummary => {
    const mine = rounds.filter((round) => round.variant === variant.name);
    const reqPerS = median(mine.map((round) => round.reqPerS));
    const cpuUsPerReq = medianOrNull(mine.map((round) => round.cpuUsPerReq));
    return {
      variant: variant.name,
      describe: variant.describe,
      rounds: mine.length,
      reqPerS,
      p50Ms: median(mine.map((round) => round.p50Ms)),
      p99Ms: median(mine.map((round) => round.p99Ms)),
      cpuUsPerReq,
      busy: cpuUsPerReq === null ? null : (reqPerS * cpuUsPerReq) / 1e6,
      vsOff: null,
      vsBare: null,
    };
  });
  const off = summaries.find((summary) => summary.variant === 'off');
  const bare = summaries.find((summary) => summary.variant === 'bare');
  for (const summary of summaries) {
    summary.vsOff = compare(summary, off, rounds);
    summary.vsBare = compare(summary, bare, rounds);
  }
  return summaries;
}

/**
 * Splits the extra time a default request takes over bare Fastify into the framework's part
 * (bare → off: Nest, the metrics hook, the app's plumbing) and the instrumentation's part
 * (off → default: spans, context, trace ids). Needs all three variants.
 */
export function costShares(summaries: readonly VariantSummary[]): CostShares | null {
  const find = (name: string) => summaries.find((summary) => summary.variant === name);
  const [bare, off, dflt] = [find('bare'), find('off'), find('default')];
  if (!bare || !off || !dflt) return null;
  const timeUs = { bare: 1e6 / bare.reqPerS, off: 1e6 / off.reqPerS, default: 1e6 / dflt.reqPerS };
  const cpu =
    bare.cpuUsPerReq === null || off.cpuUsPerReq === null || dflt.cpuUsPerReq === null
      ? null
      : costSplit(off.cpuUsPerReq - bare.cpuUsPerReq, dflt.cpuUsPerReq - off.cpuUsPerReq);
  return { timeUs, ...costSplit(timeUs.off - timeUs.bare, timeUs.default - timeUs.off), cpu };
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

/**
 * The targets the default variant is held to (printed, never a failing exit code), each by
 * req/s as measured and by capacity (CPU per request), which differ when a variant's server
 * was not saturated.
 */
export function goals(summaries: readonly VariantSummary[]): Goal[] {
  const dflt = summaries.find((summary) => summary.variant === 'default');
  if (!dflt) return [];
  const result: Goal[] = [];
  const atLeast = (
    measure: Goal['measure'],
    name: string,
    value: number | null,
    target: number,
  ): void => {
    if (value !== null)
      result.push({ measure, name, target: `≥ ${target}×`, value, met: value >= target });
  };
  if (dflt.vsOff) {
    atLeast(
      'throughput',
      'default throughput vs off',
      dflt.vsOff.throughput,
      GOALS.throughputVsOff,
    );
    result.push({
      measure: 'latency',
      name: 'default p99 vs off',
      target: `≤ ${GOALS.p99VsOff}×`,
      value: dflt.vsOff.p99,
      met: dflt.vsOff.p99 <= GOALS.p99VsOff,
    });
  }
  if (dflt.vsBare) {
    atLeast(
      'throughput',
      'default throughput vs bare Fastify',
      dflt.vsBare.throughput,
      GOALS.throughputVsBare,
    );
  }
  if (dflt.vsOff) {
    atLeast('capacity', 'default capacity vs off', dflt.vsOff.capacity, GOALS.throughputVsOff);
  }
  if (dflt.vsBare) {
    atLeast(
      'capacity',
      'default capacity vs bare Fastify',
      dflt.vsBare.capacity,
      GOALS.throughputVsBare,
    );
  }
  return result;
}

/** Below this busy fraction a closed-loop variant's req/s says more about the load generator. */
export const SATURATED_BUSY = 0.85;

/** Variants whose server sat idle part of the closed loop: their req/s ratios understate. */
export function loadBoundWarnings(
  summaries: readonly VariantSummary[],
  closedLoop: boolean,
): string[] {
  if (!closedLoop) return [];
  return summaries
    .filter((summary) => summary.busy !== null && summary.busy < SATURATED_BUSY)
    .map(
      (summary) =>
        `${summary.variant}: server main thread busy ${Math.round((summary.busy ?? 0) * 100)} % of the time: the load generator set its req/s, so req/s ratios against it understate the difference; the capacity ratios (CPU per request) do not`,
    );
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
