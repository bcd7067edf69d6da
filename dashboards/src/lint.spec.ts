// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} here is Grafana variable syntax, not a template literal
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { buildDashboards, canonicalize } from './dashboards.js';
import { formatIssue, LINT_RULES, type LintIssue, lintDashboard, lintDashboards } from './lint.js';
import { statPanel, timeSeriesPanel } from './panels.js';
import {
  datasourceVariable,
  finalize,
  instanceVariable,
  looplabDashboard,
  runPhaseAnnotations,
  strategyVariable,
  targetVariable,
  testidVariable,
} from './scaffold.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests poke at arbitrary dashboard JSON
type Json = Record<string, any>;

/** A small dashboard built the same way as the real ones: it must lint clean. */
function goodDashboard(): Json {
  const builder = looplabDashboard({ uid: 'lint-good', title: 'Lint good', description: 'test' })
    .withVariable(datasourceVariable())
    .withVariable(targetVariable())
    .withVariable(testidVariable())
    .withVariable(strategyVariable())
    .withVariable(instanceVariable());
  for (const annotation of runPhaseAnnotations()) builder.annotation(annotation);
  builder
    .withRow(new RowBuilder('Row'))
    .withPanel(
      timeSeriesPanel({
        title: 'Delay',
        description: 'Healthy: low. Blocked: high.',
        unit: 's',
        width: 12,
        queries: [
          {
            expr: 'histogram_quantile(0.99, sum by (le) (rate(nodejs_eventloop_delay_seconds_bucket{instance=~"$instance"}[$__rate_interval])))',
          },
          {
            expr: 'max(max_over_time(nodejs_eventloop_delay_window_max_seconds{instance=~"$instance"}[$__interval]))',
          },
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Requests',
        description: 'Healthy: many. Blocked: fewer.',
        unit: 'short',
        width: 12,
        queries: [
          {
            expr: 'sum(increase(looplab_client_requests_total{testid=~"$testid", strategy=~"$strategy"}[$__range]))',
            instant: true,
          },
        ],
      }),
    );
  return canonicalize(finalize(builder.build())) as Json;
}

const rulesOf = (issues: LintIssue[]): string[] => [...new Set(issues.map((i) => i.rule))].sort();
/** Rules seen firing in this file: the last test wants all of them. */
const fired = new Set<string>();

/** Lints a copy of the good dashboard after `mutate`, expecting exactly these rules to fire. */
function expectRules(mutate: (d: Json) => void, rules: string[]): LintIssue[] {
  const d = goodDashboard();
  mutate(d);
  const issues = lintDashboard(d);
  expect(rulesOf(issues), issues.map(formatIssue).join('\n')).toEqual([...rules].sort());
  for (const rule of rules) fired.add(rule);
  return issues;
}

const timeseries = (d: Json): Json => d.panels[1];
const stat = (d: Json): Json => d.panels[2];

describe('lintDashboard on a good dashboard', () => {
  it('finds nothing', () => {
    expect(lintDashboard(goodDashboard()).map(formatIssue)).toEqual([]);
  });

  it('finds nothing in the generated dashboards, alone or together', () => {
    const all = buildDashboards().map(({ dashboard }) => canonicalize(dashboard));
    expect(lintDashboards(all).map(formatIssue)).toEqual([]);
  });
});

describe('lintDashboard on bad dashboards', () => {
  it('dashboard fields: uid, title, schemaVersion', () => {
    expectRules(
      (d) => {
        delete d.uid;
        d.title = ' ';
        delete d.schemaVersion;
      },
      ['dashboard-uid', 'dashboard-title', 'schema-version'],
    );
    expectRules(
      (d) => {
        d.uid = 'has spaces and is far too long for a grafana uid';
      },
      ['dashboard-uid'],
    );
  });

  it('panel title, description and unit', () => {
    const issues = expectRules(
      (d) => {
        timeseries(d).title = '';
        delete stat(d).description;
        delete stat(d).fieldConfig.defaults.unit;
      },
      ['panel-title', 'panel-description', 'panel-unit'],
    );
    expect(issues.map((i) => i.where)).toEqual(['panel #2', 'Requests', 'Requests']);
  });

  it('targets without refId, with a duplicate refId, without datasource uid or expr', () => {
    expectRules(
      (d) => {
        delete timeseries(d).targets[0].refId;
        stat(d).targets.push({ ...stat(d).targets[0] });
      },
      ['target-refid'],
    );
    expectRules(
      (d) => {
        delete timeseries(d).targets[1].datasource;
        stat(d).targets[0].expr = ' ';
      },
      ['target-datasource', 'target-expr'],
    );
  });

  it('more than one way to name Prometheus, or a uid variable that is no datasource variable', () => {
    expectRules(
      (d) => {
        timeseries(d).targets[0].datasource = { type: 'prometheus', uid: 'prometheus' };
      },
      ['datasource-consistent'],
    );
    expectRules(
      (d) => {
        d.templating.list[0].type = 'custom';
      },
      ['datasource-consistent'],
    );
  });

  it('rate() or increase() over a fixed window, and fixed windows elsewhere', () => {
    const issues = expectRules(
      (d) => {
        timeseries(d).targets[0].expr = 'rate(a[5m]) + increase(b[$__interval])';
        timeseries(d).targets[1].expr = 'max_over_time(c[1m]) + max_over_time((d)[$__range:30s])';
      },
      ['rate-interval', 'fixed-range'],
    );
    expect(issues.map((i) => i.message)).toEqual([
      'rate() over [5m]: use $__rate_interval (or $__range for a whole-range total) (refId A)',
      'increase() over [$__interval]: use $__rate_interval (or $__range for a whole-range total) (refId A)',
      'max_over_time[1m] is a fixed window: use $__rate_interval, $__interval or $__range (refId B)',
      'subquery step 30s is fixed: use $__interval (refId B)',
    ]);
  });

  it('duplicate or missing panel ids', () => {
    expectRules(
      (d) => {
        stat(d).id = timeseries(d).id;
      },
      ['panel-id'],
    );
    expectRules(
      (d) => {
        delete stat(d).id;
      },
      ['panel-id'],
    );
  });

  it('gridPos outside the grid, incomplete, or overlapping', () => {
    expectRules(
      (d) => {
        stat(d).gridPos.x = 20;
      },
      ['grid-bounds'],
    );
    expectRules(
      (d) => {
        delete timeseries(d).gridPos.h;
      },
      ['grid-bounds'],
    );
    const issues = expectRules(
      (d) => {
        stat(d).gridPos.x = 6;
      },
      ['grid-overlap'],
    );
    expect(issues[0]?.message).toBe('overlaps "Requests"');
  });

  it('overlaps inside a collapsed row are checked among its own panels', () => {
    expectRules(
      (d) => {
        const row = d.panels[0];
        row.collapsed = true;
        row.panels = d.panels.splice(1, 2);
        row.panels[1].gridPos = { ...row.panels[0].gridPos };
      },
      ['grid-overlap'],
    );
  });

  it('undefined variables in queries, annotations and titles; variables used before definition', () => {
    expectRules(
      (d) => {
        timeseries(d).targets[0].expr = 'up{job="$job"}';
        d.annotations.list[0].target.expr = 'x{a="${nope}"}';
        stat(d).title = 'Requests of $who';
      },
      ['undefined-variable'],
    );
    expectRules(
      (d) => {
        // strategy's query uses $testid: put strategy first
        const [ds, target, testid, strategy, instance] = d.templating.list;
        d.templating.list = [ds, target, strategy, testid, instance];
      },
      ['variable-order'],
    );
  });
});

describe('lintDashboards across dashboards', () => {
  it('wants unique uids and titles', () => {
    const a = goodDashboard();
    const b = goodDashboard();
    const rules = rulesOf(lintDashboards([a, b]));
    expect(rules).toEqual(['unique-title', 'unique-uid']);
    for (const rule of rules) fired.add(rule);
    b.uid = 'other';
    b.title = 'Other';
    expect(lintDashboards([a, b])).toEqual([]);
  });

  it('every rule has been seen firing by a test above', () => {
    expect(LINT_RULES.filter((rule) => !fired.has(rule))).toEqual([]);
  });
});
