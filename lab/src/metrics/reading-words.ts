import type { ReadingKind, RecognisedMetrics } from '../model.js';

/** How exact a service's reading is, in the words the console and the report both use. */
export const READING_WORDS: Record<ReadingKind, string> = {
  window: 'exact window max',
  counter: 'exact: a counter, start and end of the phase',
  scrape: 'since the previous scrape — another scraper would split it',
  export: 'reset on every OpenTelemetry SDK export (60 s by default), not aligned with the phase',
};

/** Said of a figure the service exports nothing for. */
export const PROBE_ONLY = 'probe only';

/** One line: which of a service's series the report reads, and how exact each is. */
export function describeRecognised(recognised: RecognisedMetrics): string {
  const { lagMax, lagHistogram, utilization, probeServer } = recognised;
  const parts = [
    lagMax && `event-loop max from ${lagMax.series} (${READING_WORDS[lagMax.reading]})`,
    lagHistogram && `delay percentiles from ${lagHistogram} (a cumulative histogram)`,
    utilization && `utilization from ${utilization.series} (${READING_WORDS[utilization.reading]})`,
    probeServer && `server-side probe latency from ${probeServer.series} (${probeServer.exporter})`,
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0
    ? parts.join('; ')
    : `none of the series looplab reads, so the probe alone measures (${PROBE_ONLY})`;
}
