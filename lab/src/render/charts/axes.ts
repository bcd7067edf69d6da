import type { DataZoomComponentOption, XAXisComponentOption } from 'echarts';
import { isFiniteNumber } from '../../format.js';
import type { Report, SeriesPoint } from '../../model.js';
import { formatter } from './spec.js';
import { MUTED_COLOR } from './theme.js';

/** Drag-to-zoom plus a slim slider under the time axis; zooming one chart moves the linked ones. */
export function timeZoom(): DataZoomComponentOption[] {
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
export function timeAxisMax(report: Report): number {
  const last = report.series.reduce((max, p) => Math.max(max, p.t), 0);
  return Math.max(report.config.durationS, Math.ceil(last));
}

/** The points of one row, in time order. */
export function pointsOf(report: Report, row: string): SeriesPoint[] {
  return report.series.filter((p) => p.row === row).sort((a, b) => a.t - b.t);
}

/** [t, value] pairs; null stays null, which ECharts draws as a gap. */
export function pairs(
  points: SeriesPoint[],
  pick: (p: SeriesPoint) => number | null,
): [number, number | null][] {
  return points.map((p) => {
    const v = pick(p);
    return [p.t, isFiniteNumber(v) ? round(v, 3) : null];
  });
}

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** A y-axis name written along the axis, so it never collides with the legend. */
export function verticalName(gap: number) {
  return {
    nameLocation: 'middle' as const,
    nameRotate: 90,
    nameGap: gap,
    nameTextStyle: { color: MUTED_COLOR },
  };
}

export function timeAxis(xMax: number): XAXisComponentOption {
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
