import type { EChartsOption } from 'echarts';

/** Colours and the title block every chart shares; strategy colours come from the contract (palette.ts). */
export const LAG_COLOR = '#e08a00';
export const UTILIZATION_COLOR = '#94a3b8';
export const TEXT_COLOR = '#1f2933';
export const MUTED_COLOR = '#64748b';
export const TIMELINE_GROUP = 'timeline';

export function baseOption(title: string, subtext: string): EChartsOption {
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
