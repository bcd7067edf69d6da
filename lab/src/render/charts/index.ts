import type { Report } from '../../model.js';
import { timeAxisMax } from './axes.js';
import { percentileChart } from './percentiles.js';
import { queueChart } from './queue.js';
import type { ChartSpec } from './spec.js';
import { timelineChart } from './timeline.js';

export { logAxisBounds } from './axes.js';
export { rowPalette, type StrategyPalette, strategyPalette } from './palette.js';
export { type ChartSpec, FORMATTER_PREFIX, type FormatterName } from './spec.js';
export { timelineChartId } from './timeline.js';

/** Every chart of report.html, in page order. */
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
