import type {
  BarSeriesOption,
  DataZoomComponentOption,
  EChartsOption,
  LineSeriesOption,
  XAXisComponentOption,
} from 'echarts';
import type { Report, SeriesPoint, Strategy, StrategyResult } from '../model.js';
import { formatMsUnit, formatPercent, formatRatio, isFiniteNumber } from './format.js';

/**
 * ECharts options for report.html, built in Node so they are typed and testable.
 * Options are plain JSON; where ECharts wants a function (tooltip and label formatters),
 * the option holds a marker string `@fmt:<name>` that the page swaps for the real function
 * (see FORMATTER_PREFIX and the client script in html-assets.ts).
 */
export interface ChartSpec {
  /** DOM id of the container; also its data-chart attribute. */
  id: string;
  kind: 'percentiles' | 'timeline' | 'queue';
  strategy?: Strategy;
  /** Charts with the same group share tooltip and zoom (echarts.connect). */
  group?: string;
  heightPx: number;
  option: EChartsOption;
}

export const FORMATTER_PREFIX = '@fmt:';
export type FormatterName = 'ms' | 'percent' | 'count' | 'msLabel' | 'seconds';

/** A formatter marker typed as whatever ECharts expects in that place. */
function formatter<T>(name: FormatterName): T {
  return `${FORMATTER_PREFIX}${name}` as unknown as T;
}

export interface StrategyPalette {
  /** Main colour (bars, table dot) and three shades for p50/p95/p99 lines. */
  main: string;
  p50: string;
  p95: string;
  p99: string;
}

const PALETTES: Record<string, StrategyPalette> = {
  async: { main: '#2e9d5b', p50: '#9bd4ae', p95: '#2e9d5b', p99: '#17592f' },
  blocking: { main: '#d6453d', p50: '#f1a7a2', p95: '#d6453d', p99: '#8f1d17' },
  pooled: { main: '#3a7bd5', p50: '#a3c4f0', p95: '#3a7bd5', p99: '#1c4a8c' },
};
const FALLBACK_PALETTES: StrategyPalette[] = [
  { main: '#8e5cc9', p50: '#cdb6ea', p95: '#8e5cc9', p99: '#56308a' },
  { main: '#d08a1c', p50: '#efcf9a', p95: '#d08a1c', p99: '#85560c' },
  { main: '#3a9ca6', p50: '#a5d7dc', p95: '#3a9ca6', p99: '#1f5f66' },
];

/** Drag-to-zoom plus a slim slider under the time axis; zooming one chart moves the linked ones. */
function timeZoom(): DataZoomComponentOption[] {
  return [
    { type: 'inside', zoomOnMouseWheel: false, moveOnMouseWheel: false },
    {
      type: 'slider',
      height: 14,
      bottom: 8,
      showDetail: false,
      showDataShadow: false,
      brushSelect: false,
    },
  ];
}
export function strategyPalette(strategy: string): StrategyPalette {
  const known = PALETTES[strategy];
  if (known) return known;
  let hash = 0;
  for (const ch of strategy) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return FALLBACK_PALETTES[hash % FALLBACK_PALETTES.length] as StrategyPalette;
}

export const LAG_COLOR = '#e08a00';
export const UTILIZATION_COLOR = '#94a3b8';
const TEXT_COLOR = '#1f2933';
const MUTED_COLOR = '#64748b';
const TIMELINE_GROUP = 'timeline';

export function chartSpecs(report: Report): ChartSpec[] {
  const xMax = timeAxisMax(report);
  const specs: ChartSpec[] = [percentileChart(report)];
  for (const result of report.strategies) {
    specs.push(timelineChart(report, result, xMax));
  }
  if (report.series.some((p) => p.queueDepth !== null || p.inFlight !== null)) {
    specs.push(queueChart(report, xMax));
  }
  return specs;
}

export function timelineChartId(strategy: string): string {
  return `chart-timeline-${strategy.replace(/[^a-z0-9-]/gi, '-')}`;
}

function timeAxisMax(report: Report): number {
  const last = report.series.reduce((max, p) => Math.max(max, p.t), 0);
  return Math.max(report.config.durationS, Math.ceil(last));
}

function pointsOf(report: Report, strategy: Strategy): SeriesPoint[] {
  return report.series.filter((p) => p.strategy === strategy).sort((a, b) => a.t - b.t);
}

/** [t, value] pairs; null stays null, which ECharts draws as a gap. */
function pairs(
  points: SeriesPoint[],
  pick: (p: SeriesPoint) => number | null,
): [number, number | null][] {
  return points.map((p) => {
    const v = pick(p);
    return [p.t, isFiniteNumber(v) ? round(v, 3) : null];
  });
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function baseOption(title: string, subtext: string): EChartsOption {
  return {
    animation: false,
    textStyle: {
      fontFamily:
        'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    },
    title: {
      text: title,
      subtext,
      left: 8,
      top: 4,
      textStyle: { fontSize: 15, fontWeight: 600, color: TEXT_COLOR },
      subtextStyle: { fontSize: 12, color: MUTED_COLOR },
    },
    toolbox: { right: 12, top: 4, feature: { saveAsImage: { title: 'Save as PNG' } } },
  };
}

/** A y-axis name written along the axis, so it never collides with the legend. */
function verticalName(gap: number) {
  return {
    nameLocation: 'middle' as const,
    nameRotate: 90,
    nameGap: gap,
    nameTextStyle: { color: MUTED_COLOR },
  };
}

function timeAxis(xMax: number): XAXisComponentOption {
  return {
    type: 'value',
    name: 'time since start of measured phase (s)',
    nameLocation: 'middle',
    nameGap: 26,
    min: 0,
    max: xMax,
    minInterval: 1,
    axisLabel: { color: MUTED_COLOR },
    nameTextStyle: { color: MUTED_COLOR },
    // Also the tooltip's header: `t = 15 s` instead of `15.00`.
    axisPointer: { label: { formatter: formatter('seconds') } },
  };
}

function timelineChart(report: Report, result: StrategyResult, xMax: number): ChartSpec {
  const strategy = result.strategy;
  const palette = strategyPalette(strategy);
  const points = pointsOf(report, strategy);
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
    id: timelineChartId(strategy),
    kind: 'timeline',
    strategy,
    group: TIMELINE_GROUP,
    heightPx: 340,
    option: {
      ...baseOption(`${strategy}: /ping latency vs event-loop lag, per second`, subtext),
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

/** Powers of ten around the data, so a log axis never starts at 0 and small values stay visible. */
export function logAxisBounds(values: number[]): { min: number; max: number } {
  const positive = values.filter((v) => isFiniteNumber(v) && v > 0);
  if (positive.length === 0) return { min: 0.1, max: 10 };
  const smallest = Math.min(...positive);
  let min = 10 ** Math.floor(Math.log10(smallest));
  // A bar just above the axis floor is a sliver; give it at least one more decade.
  if (smallest / min < 3) min /= 10;
  let max = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  if (max <= min) max = min * 10;
  return { min: round(min, 6), max: round(max, 6) };
}

const PERCENTILES = [
  { label: 'p50', pick: (r: StrategyResult) => r.probe.p50 },
  { label: 'p95', pick: (r: StrategyResult) => r.probe.p95 },
  { label: 'p99', pick: (r: StrategyResult) => r.probe.p99 },
] as const;

function percentileChart(report: Report): ChartSpec {
  const value = (v: number) => (isFiniteNumber(v) && v > 0 ? round(v, v < 1 ? 3 : 1) : null);
  const series: BarSeriesOption[] = report.strategies.map((result) => ({
    type: 'bar',
    name: result.strategy,
    color: strategyPalette(result.strategy).main,
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
        'Probe /ping latency by strategy (client side)',
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

function queueChart(report: Report, xMax: number): ChartSpec {
  const series: LineSeriesOption[] = report.strategies.flatMap((result) => {
    const points = pointsOf(report, result.strategy);
    const color = strategyPalette(result.strategy).main;
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
        name: `${result.strategy} queue depth`,
        data: pairs(points, (p) => p.queueDepth),
        lineStyle: { width: 2 },
      },
      {
        ...common,
        name: `${result.strategy} in flight`,
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
