import { appSample } from '../../metrics/app-sample.js';
import type { AppTimeline } from '../measurements.js';
import type { MeasurePhase } from './phases.js';
import type { SeriesSet } from './series.js';

/** Scrapes kept on each side of a phase, in scrape intervals: enough to read counters at its edges. */
const MARGIN_INTERVALS = 3;

/**
 * The app's series around one measure phase as the snapshots the report builder reads (the same
 * reduction as a local scrape's, sources/app-sample.ts), one per app scrape, t in ms since the
 * phase's estimated start. The app has no run labels: its series belong to the phase by time.
 * `windowS`: the max-lag window when the app does not export it.
 */
export function appTimeline(
  app: SeriesSet | undefined,
  phase: MeasurePhase,
  windowS: number,
): AppTimeline {
  const to = (phase.end - phase.start) * 1000;
  if (!app) return { samples: [], from: 0, to, scrapeIntervalMs: Number.NaN };
  const interval = Number.isFinite(app.interval) ? app.interval : 1;
  const margin = MARGIN_INTERVALS * interval + 1e-3;
  const samples = app.scrapes
    .filter((time) => time >= phase.start - margin && time <= phase.end + margin)
    .map((time) => {
      const metrics = app.readerAt(time);
      return appSample(metrics, metrics, phase.strategy, (time - phase.start) * 1000, windowS);
    });
  return { samples, from: 0, to, scrapeIntervalMs: app.interval * 1000 };
}
