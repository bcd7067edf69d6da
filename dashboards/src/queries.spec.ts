import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDashboards, canonicalize } from './dashboards.js';
import { allPanelQueries, variableQueryToPromQL } from './extract.js';
import {
  HISTOGRAMS,
  isLoadgenMetric,
  KNOWN_METRIC_NAMES,
  METRIC_SOURCES,
  SERIES,
} from './metric-names.js';
import { metricNames } from './promql-text.js';
import { ALL_QUERIES } from './queries.js';

const REPO_ROOT = resolve(__dirname, '..', '..');
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

  it('filters app series by $instance and load generator series by test id', () => {
    for (const q of ALL_QUERIES.filter((query) => query.kind === 'promql')) {
      const names = metricNames(q.expr);
      if (names.some((name) => !isLoadgenMetric(name)))
        expect(q.expr, q.name).toContain('$instance');
      if (names.some(isLoadgenMetric)) expect(q.expr, q.name).toMatch(/testid=~"\$testid/);
    }
  });
});

describe('the metric name list', () => {
  const docs = readFileSync(resolve(REPO_ROOT, METRIC_SOURCES.app), 'utf8');
  const loadgen = readFileSync(resolve(REPO_ROOT, METRIC_SOURCES.loadgen), 'utf8');

  it('matches the target app documentation (docs/metrics.md)', () => {
    const appNames = [...HISTOGRAMS, ...SERIES].filter((name) => !isLoadgenMetric(name));
    for (const name of appNames) expect(docs, name).toContain(`\`${name}\``);
  });

  it('matches the load generator source (lab/src/run/client-metrics.ts)', () => {
    const defined = [...loadgen.matchAll(/name: '([a-z_:]+)'/g)].map((m) => m[1]);
    const ours = [...HISTOGRAMS, ...SERIES].filter(isLoadgenMetric);
    expect([...ours].sort()).toEqual([...defined].sort());
  });
});
