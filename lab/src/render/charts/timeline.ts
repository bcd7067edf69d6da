import type { LineSeriesOption } from 'echarts';
import { formatMsUnit, formatPercent, formatRatio, isFiniteNumber } from '../../format.js';
import type { Report, SeriesPoint, StrategyResult } from '../../model.js';
import { termsOf } from '../../report/terms.js';
import { pairs, pointsOf, timeAxis, timeZoom, verticalName } from './axes.js';
import { rowPalette } from './palette.js';
import { type ChartSpec, formatter } from './spec.js';
import { baseOption, LAG_COLOR, MUTED_COLOR, TIMELINE_GROUP, UTILIZATION_COLOR } from './theme.js';

export function timelineChartId(strategy: string): string {
  return `chart-timeline-${strategy.replace(/[^a-z0-9-]/gi, '-')}`;
}

/** One strategy over time: client-side probe percentiles against the event loop's max lag and utilization. */
export function timelineChart(report: Report, result: StrategyResult, xMax: number): ChartSpec {
  const strategy = result.strategy;
  const row = result.row;
  const palette = rowPalette(report.strategies, strategy);
  const points = pointsOf(report, row);
  const showSymbol = points.length <= 60;
  const line = (
    name: string,
    color: string,
    pick: (p: SeriesPoint) => number | null,
    extra: LineSeriesOption = {},
  ): LineSeriesOption => ({
    type: 'line',
    name,
    data: pairs(points, pick),
    color,
    showSymbol,
    symbolSize: 4,
    connectNulls: false,
    lineStyle: { width: 2 },
    tooltip: { valueFormatter: formatter('ms') },
    ...extra,
  });

  const ratio =
    strategy === report.baseline
      ? ''
      : ` (${formatRatio(result.ratios?.probeP99)} ${report.baseline})`;
  const subtext =
    `probe p99 ${formatMsUnit(result.probe.p99)}${ratio} · ` +
    `lag max ${formatMsUnit(result.eventLoop.lagMaxMs)} · ` +
    `utilization ${formatPercent(result.eventLoop.utilization)} %`;

  return {
    id: timelineChartId(row),
    kind: 'timeline',
    strategy,
    group: TIMELINE_GROUP,
    heightPx: 340,
    option: {
      ...baseOption(
        `${row}: ${termsOf(report.config).probe} latency vs event-loop lag, per second`,
        subtext,
      ),
      legend: { top: 50, left: 8, itemWidth: 18, itemHeight: 10 },
      grid: { left: 64, right: 60, top: 84, bottom: 74 },
      tooltip: { trigger: 'axis' },
      xAxis: timeAxis(xMax),
      yAxis: [
        {
          type: 'value',
          name: 'latency / lag (ms)',
          min: 0,
          ...verticalName(46),
          axisLabel: { color: MUTED_COLOR },
        },
        {
          type: 'value',
          name: 'utilization (%)',
          min: 0,
          max: 100,
          position: 'right',
          splitLine: { show: false },
          ...verticalName(38),
          axisLabel: { color: MUTED_COLOR },
        },
      ],
      dataZoom: timeZoom(),
      series: [
        line('probe p50', palette.p50, (p) => p.probeP50Ms),
        line('probe p95', palette.p95, (p) => p.probeP95Ms),
        line('probe p99', palette.p99, (p) => p.probeP99Ms, { lineStyle: { width: 2.5 } }),
        line('event-loop lag max', LAG_COLOR, (p) => p.lagMaxMs, {
          lineStyle: { width: 2, type: 'dashed' },
          symbol: 'diamond',
        }),
        line(
          'utilization (%)',
          UTILIZATION_COLOR,
          (p) => (isFiniteNumber(p.utilization) ? p.utilization * 100 : null),
          {
            yAxisIndex: 1,
            showSymbol: false,
            lineStyle: { width: 1 },
            areaStyle: { opacity: 0.12 },
            z: 1,
            tooltip: { valueFormatter: formatter('percent') },
          },
        ),
      ],
    },
  };
}
