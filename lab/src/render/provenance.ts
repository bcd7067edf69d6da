import { PROBE_ONLY } from '../metrics/reading-words.js';
import type { Report, ResolvedFigure, StrategyResult } from '../model.js';
import { describeResolution } from '../report/resolution.js';
import { termsOf } from '../report/terms.js';
import type { TextTable } from './matrix-tables.js';

/** The figures your own service's metrics feed, in table order. */
const FIGURES: ReadonlyArray<{ figure: ResolvedFigure; label: string; max?: boolean }> = [
  { figure: 'eventLoop.lagMaxMs', label: 'lag max', max: true },
  { figure: 'eventLoop.lagP99Ms', label: 'lag p99' },
  { figure: 'eventLoop.utilization', label: 'utilization' },
  { figure: 'probeServer.p99Ms', label: 'server-side p99' },
];

function cell(result: StrategyResult, figure: ResolvedFigure, max: boolean): string {
  const resolution = result.resolution?.[figure];
  if (!resolution) return PROBE_ONLY;
  const how = describeResolution(resolution, max);
  return resolution.source ? `${how} (${resolution.source})` : how;
}

/**
 * Where each row's server-side figures came from and how exact each is: the rows of your own
 * service, whose metrics looplab recognised by name (or did not: probe only).
 */
export function provenanceTables(report: Report): TextTable[] {
  if (termsOf(report.config).row !== 'variant') return [];
  const probe = termsOf(report.config).probe;
  return [
    {
      id: 'provenance',
      title: 'Where the numbers come from',
      note: `${probe} latency is client-side (the load generator's, exact) and needs nothing from the service; the rest is what the service's own metrics say, read by their names. "${PROBE_ONLY}": the service exports nothing looplab reads for it.`,
      head: ['variant', ...FIGURES.map((f) => f.label)],
      rows: report.strategies.map((result) => [
        result.row,
        ...FIGURES.map((f) => cell(result, f.figure, f.max === true)),
      ]),
    },
  ];
}
