import { isStrategyName, RUNTIMES, type Runtime } from '@looplab/contract';
import type { Strategy } from '../../model.js';
import { type Series, scrapeInterval } from './series.js';

/**
 * Finding a run in `looplab_run_phase{testid, strategy, phase}`: the gauge is 1 while a phase of
 * a strategy runs and absent otherwise, so each stretch of consecutive scrapes of one series is
 * one phase. Scrapes only see it every interval, so a phase that was scraped first at `first`
 * and last at `last` started in (first − interval, first] and ended in [last, last + interval):
 * the estimates are the middles, first − interval/2 and last + interval/2.
 */

export type PhaseName = 'warmup' | 'measure';

export interface PhaseSpan {
  strategy: Strategy;
  /** The run's target label (the runner's --target); absent in runs from before it had one. */
  target?: Runtime;
  phase: PhaseName;
  /** First and last scrape that saw the phase, seconds since the epoch. */
  first: number;
  last: number;
}

export interface MeasurePhase extends PhaseSpan {
  phase: 'measure';
  /** Estimated start and end of the phase (see above). */
  start: number;
  end: number;
  /** The strategy's warm-up right before this phase, if it was scraped. */
  warmup: PhaseSpan | undefined;
  /** Prometheus began scraping the load generator only during this phase: start = first. */
  truncated?: boolean;
}

export interface FoundRun {
  /** Measure phases of the latest run, in the order they ran. */
  phases: MeasurePhase[];
  /** Estimated warm-up length (median over the strategies), 0 when none was seen. */
  warmupS: number;
  /** Scrape interval of the load generator's metrics, seconds. */
  interval: number;
  /** Measure phases with this testid that belong to earlier runs (left out). */
  earlierPhases: number;
  /** Strategy label values this version of looplab does not know (left out). */
  unknownStrategies: string[];
}

/** A gap this much longer than the scrape interval ends a stretch (and so a phase). */
const GAP_FACTOR = 2.5;
/**
 * Longest pause between two strategies of one run besides the warm-up: the local runner stops
 * one app (draining its tasks) and starts the next in between.
 */
const MAX_PAUSE_BETWEEN_STRATEGIES_S = 60;

function isStrategy(value: string | undefined): value is Strategy {
  return value !== undefined && isStrategyName(value);
}

function isRuntime(value: string | undefined): value is Runtime {
  return value !== undefined && (RUNTIMES as readonly string[]).includes(value);
}

/** Two spans of the same strategy on the same target (a run measures each once). */
function sameRow(a: PhaseSpan, b: PhaseSpan): boolean {
  return a.strategy === b.strategy && a.target === b.target;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] as number);
}

/** Splits each phase series into stretches of consecutive scrapes. */
export function phaseSpans(series: readonly Series[], interval: number): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  for (const s of series) {
    const strategy = s.labels.strategy;
    const target = isRuntime(s.labels.target) ? { target: s.labels.target } : {};
    const phase = s.labels.phase;
    if (!isStrategy(strategy) || (phase !== 'warmup' && phase !== 'measure')) continue;
    let first: number | undefined;
    let last: number | undefined;
    s.t.forEach((t, i) => {
      if (!((s.v[i] as number) > 0)) return;
      if (last !== undefined && first !== undefined && t - last > GAP_FACTOR * interval) {
        spans.push({ strategy, ...target, phase, first, last });
        first = undefined;
      }
      first ??= t;
      last = t;
    });
    if (first !== undefined && last !== undefined)
      spans.push({ strategy, ...target, phase, first, last });
  }
  return spans.sort((a, b) => a.first - b.first);
}

/**
 * The latest run with this testid: walking back from the last measure phase, one measure phase
 * per strategy, as long as the pause to the next one is no longer than its warm-up plus a minute.
 * A strategy seen twice, or a longer pause, means an earlier run with the same testid.
 */
export function latestRun(series: readonly Series[]): FoundRun | undefined {
  const measured = scrapeInterval(series.filter((s) => s.t.length > 1));
  const interval = Number.isFinite(measured) && measured > 0 ? measured : 1;
  const unknownStrategies = [
    ...new Set(series.map((s) => s.labels.strategy ?? '').filter((name) => !isStrategy(name))),
  ];
  const spans = phaseSpans(series, interval);
  const measures = spans.filter((span) => span.phase === 'measure');
  const warmupBefore = (span: PhaseSpan): PhaseSpan | undefined =>
    spans.find(
      (w) =>
        w.phase === 'warmup' &&
        sameRow(w, span) &&
        w.last < span.first &&
        span.first - w.last <= GAP_FACTOR * interval,
    );

  const chosen: PhaseSpan[] = [];
  for (const span of [...measures].reverse()) {
    const next = chosen[0];
    if (chosen.some((c) => sameRow(c, span))) break;
    if (next) {
      const warmup = warmupBefore(next);
      const allowed =
        MAX_PAUSE_BETWEEN_STRATEGIES_S +
        (warmup ? warmup.last - warmup.first + interval : 0) +
        GAP_FACTOR * interval;
      if (next.first - span.last > allowed) break;
    }
    chosen.unshift(span);
  }
  if (chosen.length === 0) return undefined;

  const phases: MeasurePhase[] = chosen.map((span) => ({
    ...span,
    phase: 'measure',
    start: span.first - interval / 2,
    end: span.last + interval / 2,
    warmup: warmupBefore(span),
  }));
  const warmups = phases.flatMap((p) =>
    p.warmup ? [p.warmup.last - p.warmup.first + interval] : [],
  );
  return {
    phases,
    warmupS: warmups.length > 0 ? median(warmups) : 0,
    interval,
    earlierPhases: measures.length - chosen.length,
    unknownStrategies,
  };
}

/** Prometheus durations (`24h`, `90m`, `1h30m`, `7d`) in seconds; throws on anything else. */
export function parseDurationS(text: string): number {
  const units: Record<string, number> = {
    y: 365 * 86400,
    w: 7 * 86400,
    d: 86400,
    h: 3600,
    m: 60,
    s: 1,
    ms: 0.001,
  };
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (!/^(\d+(ms|y|w|d|h|m|s))+$/.test(text) || parts.length === 0)
    throw new Error(`not a duration: "${text}" (e.g. 30m, 24h, 7d, 1h30m)`);
  const seconds = parts.reduce(
    (total, [, n, unit]) => total + Number(n) * (units[unit as string] as number),
    0,
  );
  if (!(seconds >= 1)) throw new Error(`duration "${text}" is shorter than 1 s`);
  return seconds;
}
