import type { BarSeriesOption } from 'echarts';
import { isFiniteNumber } from '../../format.js';
import type { Report, StrategyResult } from '../../model.js';
import { termsOf } from '../../report/terms.js';
import { logAxisBounds, round, verticalName } from './axes.js';
import { rowPalette } from './palette.js';
import { type ChartSpec, formatter } from './spec.js';
import { baseOption, MUTED_COLOR, TEXT_COLOR } from './theme.js';

const PERCENTILES = [
  { label: 'p50', pick: (r: StrategyResult) => r.probe.p50 },
  { label: 'p95', pick: (r: StrategyResult) => r.probe.p95 },
  { label: 'p99', pick: (r: StrategyResult) => r.probe.p99 },
] as const;

/** Bars of p50/p95/p99 of the probe, one colour per strategy, log scale. */
export function percentileChart(report: Report): ChartSpec {
  const value = (v: number) => (isFiniteNumber(v) && v > 0 ? round(v, v < 1 ? 3 : 1) : null);
  const series: BarSeriesOption[] = report.strategies.map((result) => ({
    type: 'bar',
    name: result.row,
    color: rowPalette(report.strategies, result.strategy).main,
    barMaxWidth: 44,
    data: PERCENTILES.map((p) => value(p.pick(result))),
    label: {
      show: true,
      position: 'top',
      fontSize: 11,
      color: TEXT_COLOR,
      formatter: formatter('msLabel'),
    },
    tooltip: { valueFormatter: formatter('ms') },
  }));
  const bounds = logAxisBounds(report.strategies.flatMap((r) => PERCENTILES.map((p) => p.pick(r))));

  return {
    id: 'chart-probe-percentiles',
    kind: 'percentiles',
    heightPx: 360,
    option: {
      ...baseOption(
        `Probe ${termsOf(report.config).probe} latency by ${termsOf(report.config).row} (client side)`,
        'p50 / p95 / p99 over the whole measured phase · log scale',
      ),
      legend: { top: 50, left: 8 },
      grid: { left: 72, right: 24, top: 84, bottom: 40 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'category',
        name: 'percentile',
        nameLocation: 'middle',
        nameGap: 24,
        data: PERCENTILES.map((p) => p.label),
        axisLabel: { color: TEXT_COLOR, fontWeight: 600 },
        nameTextStyle: { color: MUTED_COLOR },
      },
      yAxis: {
        type: 'log',
        logBase: 10,
        min: bounds.min,
        max: bounds.max,
        // Bars grow from the axis floor; by default a log axis starts them at 1, so a sub-ms
        // value would hang down from 1 instead.
        startValue: bounds.min,
        name: 'latency (ms, log scale)',
        ...verticalName(48),
        axisLabel: { color: MUTED_COLOR },
      },
      series,
    },
  };
}
