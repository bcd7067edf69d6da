/**
 * The one rule for "largest event-loop delay in a span of time", used by both report sources
 * (the local sampler's raw.json and Prometheus) for a strategy's whole phase and for each second
 * of the charts.
 *
 * The app's gauge (nodejs_eventloop_delay_window_max_seconds) holds the largest delay of the
 * last `windowS` seconds, so a reading taken at t speaks for [t − windowS, t]. A reading whose
 * window lies inside the span is part of the span's max. A reading whose window reaches back
 * before the span may be showing what came before (the warm-up; on an app that is not restarted,
 * the previous strategy's stall), so it never counts as more than the span's own delay
 * histogram allows: the upper bound of its highest bucket that filled during the span.
 */

export interface LagReading {
  /** When the gauge was read, seconds (any origin, the same as the span's). */
  t: number;
  /** The gauge's value, ms. */
  maxMs: number;
  /** The gauge's window, seconds (0 for old runs that did not record it: the reading is instant). */
  windowS: number;
}

export interface LagMax {
  /** ms; NaN when nothing inside the span can tell. */
  ms: number;
  /** true: from readings whose window lies inside the span; false: an upper bound. */
  exact: boolean;
}

/** Floating-point slack when comparing instants given in seconds. */
const EPS = 1e-6;

/**
 * @param span     the stretch of time, seconds: from (exclusive) to (inclusive)
 * @param readings the gauge readings taken for this span (the caller picks them: inside the span,
 *                 or the scrape that follows a span shorter than the scrape interval)
 * @param boundMs  the upper bound of the highest delay bucket that filled during the span, ms
 *                 (NaN when unknown)
 */
export function windowMax(
  span: { from: number; to: number },
  readings: readonly LagReading[],
  boundMs: number,
): LagMax {
  const settled = readings.filter((r) => r.t - r.windowS >= span.from - EPS);
  if (settled.length > 0) return { ms: Math.max(...settled.map((r) => r.maxMs)), exact: true };
  if (readings.length === 0 || !Number.isFinite(boundMs)) return { ms: Number.NaN, exact: false };
  return { ms: Math.min(Math.max(...readings.map((r) => r.maxMs)), boundMs), exact: false };
}
