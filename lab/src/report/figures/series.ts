import type { SeriesPoint } from '../../model.js';
import type { CellMeasurements } from '../../sources/measurements.js';
import { lagMaxOver } from './event-loop.js';
import { previousSample, samplesIn } from './timeline.js';

const nullable = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** A chart point before the report names its row. */
export type CellPoint = Omit<SeriesPoint, 'row'>;

/**
 * One point per second of the phase: the client's probe percentiles of that second next to what
 * the app's scrapes in it said. A scrape speaks for max(1 s, scrape interval) before it; a second
 * without one has no app figures (a gap in the charts).
 */
export function seriesOf({ cell, app, client }: CellMeasurements): CellPoint[] {
  const span = Math.max(1000, Number.isFinite(app.scrapeIntervalMs) ? app.scrapeIntervalMs : 0);
  // Your own service may not export its busy time: then there is none to chart.
  const busyKnown = app.recognised === undefined || app.recognised?.utilization !== undefined;
  return client.probeSeconds().map((second) => {
    const to = second.t * 1000;
    const scrapes = samplesIn(app, to - span, to);
    const last = scrapes.at(-1);
    const previous = last && previousSample(app, last);
    return {
      strategy: cell.strategy,
      t: second.t,
      probeCount: second.count,
      probeP50Ms: second.p50,
      probeP95Ms: second.p95,
      probeP99Ms: second.p99,
      probeMaxMs: second.max,
      lagMaxMs: last ? nullable(lagMaxOver(app, scrapes, to - 1000, to)) : null,
      utilization:
        busyKnown && last && previous && last.t > previous.t
          ? (last.eluActiveSeconds - previous.eluActiveSeconds) / ((last.t - previous.t) / 1000)
          : null,
      queueDepth: last?.queueDepth ?? null,
      inFlight: last?.inFlight ?? null,
    };
  });
}
