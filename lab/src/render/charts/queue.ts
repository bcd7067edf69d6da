import type { LineSeriesOption } from 'echarts';
import type { Report } from '../../model.js';
import { pairs, pointsOf, timeAxis, timeZoom, verticalName } from './axes.js';
import { rowPalette } from './palette.js';
import { type ChartSpec, formatter } from './spec.js';
import { baseOption, MUTED_COLOR, TIMELINE_GROUP } from './theme.js';

/** Queue depth and tasks in flight of every strategy, on the shared time axis. */
export function queueChart(report: Report, xMax: number): ChartSpec {
  const series: LineSeriesOption[] = report.strategies.flatMap((result) => {
    const points = pointsOf(report, result.row);
    const color = rowPalette(report.strategies, result.strategy).main;
    const common: LineSeriesOption = {
      type: 'line',
      color,
      step: 'end',
      showSymbol: false,
      connectNulls: false,
      tooltip: { valueFormatter: formatter('count') },
    };
    return [
      {
        ...common,
        name: `${result.row} queue depth`,
        data: pairs(points, (p) => p.queueDepth),
        lineStyle: { width: 2 },
      },
      {
        ...common,
        name: `${result.row} in flight`,
        data: pairs(points, (p) => p.inFlight),
        lineStyle: { width: 1.5, type: 'dashed' },
      },
    ];
  });

  return {
    id: 'chart-queue',
    kind: 'queue',
    group: TIMELINE_GROUP,
    heightPx: 300,
    option: {
      ...baseOption(
        'Background tasks waiting and running (server side)',
        'queue depth (solid) and tasks in flight (dashed), sampled from /metrics',
      ),
      legend: { top: 50, left: 8, itemWidth: 18, itemHeight: 10 },
      grid: { left: 64, right: 60, top: 84, bottom: 74 },
      tooltip: { trigger: 'axis' },
      xAxis: timeAxis(xMax),
      yAxis: {
        type: 'value',
        name: 'tasks',
        min: 0,
        minInterval: 1,
        ...verticalName(36),
        axisLabel: { color: MUTED_COLOR },
      },
      dataZoom: timeZoom(),
      series,
    },
  };
}
