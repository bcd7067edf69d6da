import { readFileSync } from 'node:fs';

/**
 * The ECharts build inlined into report.html. `echarts.common.min.js` (~700 KB) has everything
 * the report uses: line and bar charts, title, legend, tooltip, dataZoom, toolbox, log axes.
 * `echarts.simple.min.js` is smaller but has no tooltip, legend, title or dataZoom;
 * `echarts.min.js` has everything but is ~1.1 MB.
 */
export const ECHARTS_BUNDLE = 'echarts/dist/echarts.common.min.js';

let cached: string | undefined;

/** The bundle text, safe to place inside a <script> element. Read once per process. */
export function echartsBundle(): string {
  cached ??= readFileSync(require.resolve(ECHARTS_BUNDLE), 'utf8').replace(
    /<\/script/gi,
    '<\\/script',
  );
  return cached;
}
