// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} here is Grafana variable syntax, not a template literal
import { describe, expect, it } from 'vitest';
import { buildDashboards, canonicalize } from './dashboards.js';
import {
  allPanelQueries,
  SAMPLE_VARIABLE_VALUES,
  substituteVariables,
  variableQueryToPromQL,
} from './extract.js';

const ds = { type: 'prometheus', uid: '${datasource}' };

const fixture = {
  uid: 'fixture',
  title: 'Fixture',
  schemaVersion: 42,
  templating: {
    list: [
      { type: 'datasource', name: 'datasource', query: 'prometheus' },
      { type: 'query', name: 'job', datasource: ds, query: 'label_values(up, job)' },
      {
        type: 'query',
        name: 'inst',
        datasource: ds,
        query: { query: 'label_values(up{job="$job"}, instance)', refId: 'V' },
      },
      { type: 'custom', name: 'mode', query: 'a,b' },
    ],
  },
  annotations: {
    list: [
      {
        builtIn: 1,
        name: 'Annotations & Alerts',
        datasource: { type: 'grafana', uid: '-- Grafana --' },
      },
      {
        name: 'Deploys',
        datasource: ds,
        expr: 'changes(deploys{job="$job"}[$__rate_interval]) > 0',
      },
      {
        name: 'Phases',
        datasource: ds,
        target: { refId: 'Anno', expr: 'phase{x="[[mode]]"}' },
        expr: 'ignored',
      },
    ],
  },
  panels: [
    {
      type: 'row',
      title: 'Collapsed',
      collapsed: true,
      panels: [
        {
          type: 'timeseries',
          title: 'Nested',
          targets: [{ refId: 'A', datasource: ds, expr: 'up{instance=~"${inst}"}' }],
        },
      ],
    },
    {
      type: 'stat',
      title: 'Top',
      targets: [
        { refId: 'A', datasource: ds, expr: 'sum(increase(x[$__range]))', instant: true },
        { refId: 'B', datasource: { type: 'tempo', uid: 'tempo' }, query: 'not promql' },
      ],
    },
  ],
};

describe('allPanelQueries', () => {
  it('lists panel targets (nested too), annotations and query variables', () => {
    expect(allPanelQueries(fixture)).toEqual([
      {
        dashboard: 'fixture',
        panelTitle: 'Nested',
        refId: 'A',
        expr: 'up{instance=~"${inst}"}',
        variablesUsed: ['inst'],
        kind: 'panel',
        instant: false,
        promql: 'up{instance=~"${inst}"}',
      },
      {
        dashboard: 'fixture',
        panelTitle: 'Top',
        refId: 'A',
        expr: 'sum(increase(x[$__range]))',
        variablesUsed: ['__range'],
        kind: 'panel',
        instant: true,
        promql: 'sum(increase(x[$__range]))',
      },
      {
        dashboard: 'fixture',
        panelTitle: 'annotation: Deploys',
        refId: 'Anno',
        expr: 'changes(deploys{job="$job"}[$__rate_interval]) > 0',
        variablesUsed: ['job', '__rate_interval'],
        kind: 'annotation',
        instant: false,
        promql: 'changes(deploys{job="$job"}[$__rate_interval]) > 0',
      },
      {
        dashboard: 'fixture',
        panelTitle: 'annotation: Phases',
        refId: 'Anno',
        expr: 'phase{x="[[mode]]"}',
        variablesUsed: ['mode'],
        kind: 'annotation',
        instant: false,
        promql: 'phase{x="[[mode]]"}',
      },
      {
        dashboard: 'fixture',
        panelTitle: 'variable: job',
        refId: 'job',
        expr: 'label_values(up, job)',
        variablesUsed: [],
        kind: 'variable',
        instant: true,
        promql: 'group by (job) (up)',
      },
      {
        dashboard: 'fixture',
        panelTitle: 'variable: inst',
        refId: 'inst',
        expr: 'label_values(up{job="$job"}, instance)',
        variablesUsed: ['job'],
        kind: 'variable',
        instant: true,
        promql: 'group by (instance) (up{job="$job"})',
      },
    ]);
  });

  it('finds every target of the generated dashboards', () => {
    for (const { dashboard } of buildDashboards()) {
      const json = canonicalize(dashboard) as {
        uid: string;
        panels: Array<{ targets?: unknown[] }>;
      };
      const targets = json.panels.reduce((n, panel) => n + (panel.targets?.length ?? 0), 0);
      const queries = allPanelQueries(json);
      expect(queries.filter((q) => q.kind === 'panel')).toHaveLength(targets);
      expect(queries.filter((q) => q.kind === 'annotation')).toHaveLength(2);
      expect(queries.every((q) => q.dashboard === json.uid && q.refId && q.expr)).toBe(true);
    }
  });

  it('rejects what is not a dashboard', () => {
    expect(() => allPanelQueries([])).toThrow(/not a dashboard/);
  });
});

describe('substituteVariables', () => {
  it('replaces every syntax verbatim', () => {
    expect(
      substituteVariables('rate(a{t=~"$testid|${testid_b}", i="[[instance]]"}[$__rate_interval])', {
        testid: 'x',
        testid_b: 'none',
        instance: 'app:3000',
        __rate_interval: '1m',
      }),
    ).toBe('rate(a{t=~"x|none", i="app:3000"}[1m])');
  });

  it('does not confuse a variable with a longer one that starts with its name', () => {
    expect(substituteVariables('$testid_b $testid', { testid: 'A', testid_b: 'B' })).toBe('B A');
  });

  it('names the variables it has no value for', () => {
    expect(() => substituteVariables('a{i="$instance", j="$job"}', { instance: 'x' })).toThrow(
      /no value for \$job/,
    );
  });

  it('has sample values for every variable the dashboards use', () => {
    for (const { dashboard } of buildDashboards()) {
      for (const q of allPanelQueries(canonicalize(dashboard))) {
        expect(() => substituteVariables(q.promql, SAMPLE_VARIABLE_VALUES)).not.toThrow();
      }
    }
  });
});

describe('variableQueryToPromQL', () => {
  it('turns label_values into a query returning one series per value', () => {
    expect(
      variableQueryToPromQL('label_values(looplab_run_phase{testid=~"$testid"}, strategy)'),
    ).toBe('group by (strategy) (looplab_run_phase{testid=~"$testid"})');
    expect(variableQueryToPromQL('label_values(job)')).toBe('group by (job) ({job!=""})');
    expect(variableQueryToPromQL('query_result(topk(3, up))')).toBe('topk(3, up)');
  });
});
