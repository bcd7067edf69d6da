import { isFiniteNumber } from '../format.js';
import type { Report, SeriesPoint } from '../model.js';

/** samples.csv: the per-second series behind the charts, one row per SeriesPoint (RFC 4180). */
export const SAMPLES_CSV_COLUMNS = [
  'strategy',
  't_s',
  'probe_count',
  'probe_p50_ms',
  'probe_p95_ms',
  'probe_p99_ms',
  'probe_max_ms',
  'lag_max_ms',
  'utilization',
  'queue_depth',
  'in_flight',
  'row',
] as const;

const CRLF = '\r\n';

export function renderSamplesCsv(report: Report): string {
  const lines = [SAMPLES_CSV_COLUMNS.join(','), ...report.series.map(row)];
  return lines.map((line) => line + CRLF).join('');
}

function row(p: SeriesPoint): string {
  return [
    csvText(p.strategy),
    csvNumber(p.t),
    csvNumber(p.probeCount),
    csvNumber(p.probeP50Ms),
    csvNumber(p.probeP95Ms),
    csvNumber(p.probeP99Ms),
    csvNumber(p.probeMaxMs),
    csvNumber(p.lagMaxMs),
    csvNumber(p.utilization),
    csvNumber(p.queueDepth),
    csvNumber(p.inFlight),
    csvText(p.row),
  ].join(',');
}

/** At most 3 decimals, no trailing zeros, never exponent notation; empty for null/NaN. */
export function csvNumber(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return '';
  const rounded = Number(value.toFixed(3));
  if (Object.is(rounded, -0)) return '0';
  return Math.abs(rounded) >= 1e21 ? BigInt(rounded).toString() : String(rounded);
}

/** Quote a field only when it holds a comma, a quote or a line break; double inner quotes. */
export function csvText(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
