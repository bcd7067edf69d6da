import { METRIC_LIST, METRICS, sampleNames } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { buildDashboards, canonicalize } from './dashboards.js';
import { allPanelQueries, variableQueryToPromQL } from './extract.js';
import { isLoadgenMetric, KNOWN_METRIC_NAMES } from './metric-names.js';
import { metricNames } from './promql.js';
import { ALL_QUERIES } from './queries.js';

const generatedQueries = () =>
  buildDashboards().flatMap(({ dashboard }) => allPanelQueries(canonicalize(dashboard)));

describe('ALL_QUERIES', () => {
  it('has unique names', () => {
    const names = ALL_QUERIES.map((q) => q.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('is exactly the set of expressions the dashboards use', () => {
    const used = new Set(generatedQueries().map((q) => q.expr));
    const listed = new Set(ALL_QUERIES.map((q) => q.expr));
    expect(
      [...used].filter((expr) => !listed.has(expr)),
      'used but not in ALL_QUERIES',
    ).toEqual([]);
    expect(
      [...listed].filter((expr) => !used.has(expr)),
      'in ALL_QUERIES but unused',
    ).toEqual([]);
  });

  it('uses only known metric names', () => {
    for (const q of ALL_QUERIES) {
      const expr = q.kind === 'label_values' ? variableQueryToPromQL(q.expr) : q.expr;
      const names = metricNames(expr);
      expect(names.length, `${q.name} selects no metric`).toBeGreaterThan(0);
      expect(
        names.filter((name) => !KNOWN_METRIC_NAMES.has(name)),
        `${q.name}: ${expr}`,
      ).toEqual([]);
    }
  });

  it('filters app series by $target and load generator series by test id and target', () => {
    for (const q of ALL_QUERIES.filter((query) => query.kind === 'promql')) {
      const names = metricNames(q.expr);
      if (names.some((name) => !isLoadgenMetric(name)))
        expect(q.expr, q.name).toContain('job=~"$target"');
      if (names.some(isLoadgenMetric)) {
        expect(q.expr, q.name).toMatch(/testid=~"\$testid/);
        expect(q.expr, q.name).toContain('target=~"$target"');
      }
    }
  });

  it('reads the event loop and the HTTP histogram of the one app process picked by $instance', () => {
    const perProcess = [
      METRICS.eventLoopDelay,
      METRICS.eventLoopDelayWindowMax,
      METRICS.eventLoopActive,
      METRICS.eventLoopStalls,
      METRICS.eventLoopStalledSeconds,
      METRICS.httpServerDuration,
      METRICS.processCpu,
    ].flatMap(sampleNames);
    for (const q of ALL_QUERIES.filter((query) => query.kind === 'promql')) {
      if (metricNames(q.expr).some((name) => perProcess.includes(name)))
        expect(q.expr, q.name).toContain('instance=~"$instance"');
    }
  });
});

describe('the metric name list', () => {
  it('is the contract: every sample name of contract/data/metrics.json', () => {
    expect(KNOWN_METRIC_NAMES.has(`${METRICS.eventLoopDelay.name}_bucket`)).toBe(true);
    expect(KNOWN_METRIC_NAMES.has(METRICS.poolWorkers.name)).toBe(true);
    expect(KNOWN_METRIC_NAMES.has('looplab_pool_threads')).toBe(false);
    expect(isLoadgenMetric(METRICS.runPhase.name)).toBe(true);
    expect(isLoadgenMetric(`${METRICS.taskRun.name}_sum`)).toBe(false);
  });

  it('is used by the dashboards for every feature the contract gives a per-strategy metric', () => {
    const used = new Set(
      ALL_QUERIES.flatMap((q) =>
        metricNames(q.kind === 'label_values' ? variableQueryToPromQL(q.expr) : q.expr),
      ),
    );
    for (const metric of METRIC_LIST.filter((m) => m.strategies !== undefined)) {
      expect(
        sampleNames(metric).some((name) => used.has(name)),
        metric.name,
      ).toBe(true);
    }
  });
});
