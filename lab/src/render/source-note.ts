import type { Report } from '../model.js';

/**
 * One line saying where a report's numbers come from, when that is not the compare runner's own
 * raw.json (whose client percentiles are exact). Both renderers show it under the header.
 */
export function sourceNote(report: Report): string | undefined {
  if (report.source !== 'prometheus') return undefined;
  return (
    'Built from Prometheus (`looplab report --prometheus`): client-side percentiles are ' +
    'estimated from histogram buckets (probe max is the upper bound of the highest bucket with ' +
    'observations), not exact as in a report built from raw.json; settings Prometheus does not ' +
    'record show as unknown.'
  );
}
