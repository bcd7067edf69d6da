import type { EChartsOption } from 'echarts';
import type { Strategy } from '../../model.js';

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
export function formatter<T>(name: FormatterName): T {
  return `${FORMATTER_PREFIX}${name}` as unknown as T;
}
