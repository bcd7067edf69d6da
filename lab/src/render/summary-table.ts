import { formatCount, formatMs, formatPercent, formatRate, formatRatio } from '../format.js';
import type { Report, Strategy, StrategyResult } from '../model.js';
import { termsOf } from '../report/terms.js';

/**
 * The comparison table, one row per strategy, as already-formatted text cells.
 * report.md and report.html both render it, so they can never disagree.
 */
export interface SummaryColumn {
  /** Stable key, used as a CSS class / data attribute in HTML. */
  key: string;
  /** Column group in the HTML header ("Probe /ping", "Event loop", ...). */
  group: string;
  /** Short label under the group (HTML) ... */
  label: string;
  /** ... and its unit, if any. */
  unit: string;
  /** Self-contained header for a flat table (Markdown). */
  flatLabel: string;
}

export interface SummaryRow {
  strategy: Strategy;
  /** The row's name: the strategy, with target, workload and tracing where the run varies them. */
  row: string;
  isBaseline: boolean;
  /** Its requests failed (report.json's problems name how many): the row says so. */
  failing: boolean;
  /** One formatted cell per column, same order as summaryColumns(). */
  cells: string[];
}

interface ColumnDef extends SummaryColumn {
  value: (result: StrategyResult) => string;
  /** Only where the rows are looplab's own strategies (tasks, the runtime). */
  labOnly?: boolean;
}

/** The marker of a row whose requests failed, next to its name. */
export const FAILING_MARK = '⚠ failing';

/** Under the results table of every renderer: how exact its numbers are. */
export const RESOLUTION_NOTE =
  "Task, lag and server-side percentiles are interpolated within histogram buckets; report.json's `resolution` gives each row the bucket of every such estimate and a 95 % interval of its exact client percentiles, and the verdict calls two strategies whose ranges overlap a tie.";

function columnDefs(baseline: Strategy, probeGroup: string): ColumnDef[] {
  const PROBE_GROUP = probeGroup;
  return [
    {
      key: 'probe-p50',
      group: PROBE_GROUP,
      label: 'p50',
      unit: 'ms',
      flatLabel: 'probe p50 (ms)',
      value: (r) => formatMs(r.probe.p50),
    },
    {
      key: 'probe-p95',
      group: PROBE_GROUP,
      label: 'p95',
      unit: 'ms',
      flatLabel: 'probe p95 (ms)',
      value: (r) => formatMs(r.probe.p95),
    },
    {
      key: 'probe-p99',
      group: PROBE_GROUP,
      label: 'p99',
      unit: 'ms',
      flatLabel: 'probe p99 (ms)',
      value: (r) => formatMs(r.probe.p99),
    },
    {
      key: 'probe-max',
      group: PROBE_GROUP,
      label: 'max',
      unit: 'ms',
      flatLabel: 'probe max (ms)',
      value: (r) => formatMs(r.probe.max),
    },
    {
      key: 'probe-p99-ratio',
      group: PROBE_GROUP,
      label: 'p99',
      unit: `× ${baseline}`,
      flatLabel: `p99 × ${baseline}`,
      value: (r) => formatRatio(r.ratios?.probeP99),
    },
    {
      key: 'probe-rps',
      group: PROBE_GROUP,
      label: 'throughput',
      unit: 'req/s',
      flatLabel: 'probe req/s',
      value: (r) => formatRate(r.probe.throughputRps),
    },
    {
      key: 'probe-server-p99',
      group: PROBE_GROUP,
      label: 'server p99',
      unit: 'ms',
      flatLabel: 'server-side p99 (ms)',
      value: (r) => formatMs(r.probeServer?.p99Ms),
    },
    {
      key: 'trigger',
      group: 'Trigger',
      label: 'accepted / rejected',
      unit: '',
      flatLabel: 'trigger accepted / rejected',
      value: (r) => `${formatCount(r.trigger.accepted)} / ${formatCount(r.trigger.rejected)}`,
    },
    {
      key: 'dropped',
      group: 'Trigger',
      label: 'dropped',
      unit: 'iterations',
      flatLabel: 'dropped iterations',
      value: (r) => formatCount(r.droppedIterations),
    },
    {
      key: 'lag-p99',
      group: 'Event loop',
      label: 'lag p99',
      unit: 'ms',
      flatLabel: 'lag p99 (ms)',
      value: (r) => formatMs(r.eventLoop.lagP99Ms),
    },
    {
      key: 'lag-max',
      group: 'Event loop',
      label: 'lag max',
      unit: 'ms',
      flatLabel: 'lag max (ms)',
      value: (r) => formatMs(r.eventLoop.lagMaxMs),
    },
    {
      key: 'utilization',
      group: 'Event loop',
      label: 'utilization',
      unit: '%',
      flatLabel: 'utilization (%)',
      value: (r) => formatPercent(r.eventLoop.utilization),
    },
    {
      key: 'task-wait-p95',
      labOnly: true,
      group: 'Background tasks',
      label: 'wait p95',
      unit: 'ms',
      flatLabel: 'task wait p95 (ms)',
      value: (r) => formatMs(r.tasks.waitP95Ms),
    },
    {
      key: 'task-run-p95',
      labOnly: true,
      group: 'Background tasks',
      label: 'run p95',
      unit: 'ms',
      flatLabel: 'task run p95 (ms)',
      value: (r) => formatMs(r.tasks.runP95Ms),
    },
    {
      key: 'runtime',
      labOnly: true,
      group: 'Target',
      label: 'runtime',
      unit: '',
      flatLabel: 'runtime',
      value: (r) => r.target,
    },
  ];
}

/** The report's columns: your own service's rows have no tasks and one target. */
function defsOf(report: Report): ColumnDef[] {
  const terms = termsOf(report.config);
  const defs = columnDefs(report.baseline, `Probe ${terms.probe}`);
  if (terms.row === 'strategy') return defs;
  return defs
    .filter((def) => !def.labOnly)
    .map((def) =>
      def.group === 'Trigger'
        ? {
            ...def,
            group: 'Variant requests',
            ...(def.key === 'trigger'
              ? {
                  label: 'ok / rejected / failed',
                  flatLabel: 'requests ok / rejected / failed',
                  value: (r: StrategyResult) =>
                    `${formatCount(r.trigger.accepted)} / ${formatCount(r.trigger.rejected)} / ${formatCount(r.trigger.errors)}`,
                }
              : {}),
          }
        : def,
    );
}

export function summaryColumns(report: Report): SummaryColumn[] {
  return defsOf(report).map(({ value: _value, labOnly: _labOnly, ...column }) => column);
}

export function summaryRows(report: Report): SummaryRow[] {
  const defs = defsOf(report);
  return report.strategies.map((result) => ({
    strategy: result.strategy,
    row: result.row,
    isBaseline: result.strategy === report.baseline,
    failing: result.probe.errors > 0 || result.trigger.errors > 0,
    cells: defs.map((def) => def.value(result)),
  }));
}
