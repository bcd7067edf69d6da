import { describe, expect, it } from 'vitest';
import { sampleReport, sampleReportFor } from '../../../test/fixtures/sample-report.js';
import { type ChartSpec, chartSpecs, FORMATTER_PREFIX, logAxisBounds } from './index.js';

type Json = Record<string, unknown>;

function byId(specs: ChartSpec[], id: string): ChartSpec {
  const spec = specs.find((s) => s.id === id);
  if (!spec) throw new Error(`no chart ${id}`);
  return spec;
}

function series(spec: ChartSpec): Json[] {
  return spec.option.series as Json[];
}

describe('chartSpecs', () => {
  const report = sampleReport();
  const specs = chartSpecs(report);

  it('makes one bar chart, one timeline per strategy and a queue chart', () => {
    expect(specs.map((s) => s.id)).toEqual([
      'chart-probe-percentiles',
      'chart-timeline-async',
      'chart-timeline-blocking',
      'chart-timeline-pooled',
      'chart-queue',
    ]);
  });

  it('gives every chart a title, a legend and a tooltip', () => {
    for (const spec of specs) {
      expect((spec.option.title as Json).text, spec.id).toBeTruthy();
      expect(spec.option.legend, spec.id).toBeDefined();
      expect(spec.option.tooltip, spec.id).toBeDefined();
    }
  });

  it('draws p50/p95/p99, lag max and utilization from the strategy series, with gaps', () => {
    const blocking = byId(specs, 'chart-timeline-blocking');
    const lines = series(blocking);
    expect(lines.map((s) => s.name)).toEqual([
      'probe p50',
      'probe p95',
      'probe p99',
      'event-loop lag max',
      'utilization (%)',
    ]);
    const p99 = lines[2]?.data as Array<[number, number | null]>;
    expect(p99).toHaveLength(30);
    expect(p99[0]?.[0]).toBe(1);
    expect(p99[8]).toEqual([9, null]); // the fixture's probe gap
    const utilization = lines[4];
    expect(utilization?.yAxisIndex).toBe(1);
    const first = report.series.find((p) => p.strategy === 'blocking' && p.t === 1);
    const utilizationData = (utilization?.data ?? []) as Array<[number, number]>;
    expect(utilizationData[0]?.[1]).toBeCloseTo((first?.utilization ?? 0) * 100, 3);
    const pooledLag = series(byId(specs, 'chart-timeline-pooled'))[3]?.data as unknown[];
    expect(pooledLag[16]).toEqual([17, null]); // the fixture's missed scrape
  });

  it('shares one time axis across the timeline charts', () => {
    const axes = specs.filter((s) => s.kind !== 'percentiles').map((s) => s.option.xAxis as Json);
    for (const axis of axes) {
      expect(axis).toMatchObject({ type: 'value', min: 0, max: 30 });
      expect(String(axis.name)).toContain('(s)');
    }
    expect(new Set(specs.filter((s) => s.group).map((s) => s.group)).size).toBe(1);
  });

  it('plots percentiles per strategy on a log axis that starts below the smallest bar', () => {
    const bars = byId(specs, 'chart-probe-percentiles');
    expect(series(bars).map((s) => [s.name, s.data])).toEqual([
      ['async', [1.4, 2.4, 3.1]],
      ['blocking', [2.6, 148.3, 201.4]],
      ['pooled', [1.7, 3.1, 4]],
    ]);
    expect(bars.option.yAxis).toMatchObject({ type: 'log', min: 0.1, max: 1000, startValue: 0.1 });
  });

  it('uses formatter markers the page knows', () => {
    const markers = JSON.stringify(specs).match(/"@fmt:[a-zA-Z]+"/g) ?? [];
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of new Set(markers)) {
      expect(marker.slice(1, -1).startsWith(FORMATTER_PREFIX)).toBe(true);
      expect(['ms', 'percent', 'count', 'msLabel', 'seconds']).toContain(
        marker.slice(1 + FORMATTER_PREFIX.length, -1),
      );
    }
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
  });

  it('handles a subset of strategies without the baseline', () => {
    const subset = chartSpecs(sampleReportFor(['async', 'pooled']));
    expect(subset.map((s) => s.id)).toEqual([
      'chart-probe-percentiles',
      'chart-timeline-async',
      'chart-timeline-pooled',
      'chart-queue',
    ]);
    const noBaseline = chartSpecs(sampleReportFor(['blocking']));
    const title = byId(noBaseline, 'chart-timeline-blocking').option.title as Json;
    expect(title.subtext).toContain('(– async)');
  });

  it('leaves out the queue chart when no point has queue data', () => {
    const base = sampleReport();
    const report = {
      ...base,
      series: base.series.map((p) => ({ ...p, queueDepth: null, inFlight: null })),
    };
    expect(chartSpecs(report).some((s) => s.kind === 'queue')).toBe(false);
  });
});

describe('logAxisBounds', () => {
  it('spans whole decades around the data', () => {
    expect(logAxisBounds([3.1, 201.4])).toEqual({ min: 1, max: 1000 });
    expect(logAxisBounds([1.4, 201.4])).toEqual({ min: 0.1, max: 1000 });
    expect(logAxisBounds([0.042, 0.9])).toEqual({ min: 0.01, max: 1 });
    expect(logAxisBounds([5, 5])).toEqual({ min: 1, max: 10 });
    expect(logAxisBounds([10, 10])).toEqual({ min: 1, max: 10 });
  });

  it('ignores zero, negative and missing values', () => {
    expect(logAxisBounds([0, -1, Number.NaN, 4.5])).toEqual({ min: 1, max: 10 });
    expect(logAxisBounds([])).toEqual({ min: 0.1, max: 10 });
  });
});
