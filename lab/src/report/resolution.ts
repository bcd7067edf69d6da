import { formatMs } from '../format.js';
import { PROBE_ONLY, READING_WORDS } from '../metrics/reading-words.js';
import type { Resolution, ResolvedFigure, StrategyResult } from '../model.js';

/** Where a row's figure really lies, when the run knows (null bounds after JSON: unbounded). */
export function rangeOf(result: StrategyResult, figure: ResolvedFigure): Resolution | undefined {
  return result.resolution?.[figure];
}

/**
 * Whether the run cannot tell two rows' figure apart: both have a range and the ranges overlap
 * (a histogram put both in one bucket, or their confidence intervals meet). Without ranges the
 * numbers are taken as they are.
 */
export function tie(a: StrategyResult, b: StrategyResult, figure: ResolvedFigure): boolean {
  const x = rangeOf(a, figure);
  const y = rangeOf(b, figure);
  if (!x || !y) return false;
  const high = (r: Resolution) => r.high ?? Number.POSITIVE_INFINITY;
  return x.low <= high(y) && y.low <= high(x);
}

/**
 * How exact a figure is, in words (the console says the same of a service's series). `max`: the
 * figure is a maximum (an exact one is a window max; otherwise a counter's increase).
 */
export function describeResolution(resolution: Resolution, max: boolean): string {
  switch (resolution.kind) {
    case 'exact':
      return max ? READING_WORDS.window : READING_WORDS.counter;
    case 'bound':
      return "upper bound: the service's max window reaches back before the phase";
    case 'scrape':
      return `${max ? 'max ' : ''}${READING_WORDS.scrape}`;
    case 'export':
      return READING_WORDS.export;
    case 'bucket':
      return `within its histogram bucket, ${formatMs(resolution.low)}–${formatMs(resolution.high ?? Number.NaN)} ms`;
    case 'ci95':
      return `95 % interval ${formatMs(resolution.low)}–${formatMs(resolution.high)} ms`;
    case 'none':
      return PROBE_ONLY;
  }
}
