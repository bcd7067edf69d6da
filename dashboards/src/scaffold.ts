/**
 * What every looplab dashboard shares: settings, template variables, run-phase annotations,
 * links between the dashboards, and the final pass that numbers the panels.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { RUNTIMES, runtimeTitle } from '@looplab/contract';
import { DATASOURCE, PROMETHEUS_UID } from './panels.js';
import {
  runPhaseAnnotation,
  VARIABLE_INSTANCE,
  VARIABLE_STRATEGY,
  VARIABLE_TESTID,
} from './queries.js';

export const TAG = 'looplab';

/** A DashboardBuilder with the common settings: tags, time range, refresh, shared crosshair. */
export function looplabDashboard(opts: {
  uid: string;
  title: string;
  description: string;
}): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(opts.title)
    .uid(opts.uid)
    .description(opts.description)
    .tags([TAG])
    .time({ from: 'now-15m', to: 'now' })
    .refresh('5s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .editable()
    .link(
      new dashboard.DashboardLinkBuilder('looplab dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([TAG])
        .icon('external link')
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .description('Prometheus data source holding the target app and load generator metrics.')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: PROMETHEUS_UID });
}

const ALL = { selected: true, text: 'All', value: '$__all' };

/**
 * Which target app (the contract's runtimes: node, fastapi). Each app's Prometheus scrape job is
 * named after its runtime and the load generator labels its series `target` the same way, so
 * one value selects both sides.
 */
export function targetVariable(): dashboard.CustomVariableBuilder {
  const [first] = RUNTIMES;
  return new dashboard.CustomVariableBuilder('target')
    .label('Target app')
    .description(
      `The app under test: ${RUNTIMES.map((r) => `${r} = ${runtimeTitle(r)}`).join(', ')} (scrape job of the app, label target of the load generator's series).`,
    )
    .values(RUNTIMES.join(','))
    .options(RUNTIMES.map((r) => ({ selected: r === first, text: r, value: r })))
    .multi(false)
    .includeAll(false)
    .current({ selected: true, text: first ?? '', value: first ?? '' });
}

/** Runs of the compare runner (testid label), newest first when ids sort by time. */
export function testidVariable(): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('testid')
    .label('Test id')
    .description(
      'looplab compare runs of the selected target app (label testid of looplab_run_phase) within the time range.',
    )
    .datasource(DATASOURCE)
    .query(VARIABLE_TESTID)
    .definition(VARIABLE_TESTID)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}

export function strategyVariable(): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('strategy')
    .label('Strategy')
    .description(
      'Strategies run by the selected test ids against the selected target app (label strategy of looplab_run_phase).',
    )
    .datasource(DATASOURCE)
    .query(VARIABLE_STRATEGY)
    .definition(VARIABLE_STRATEGY)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current(ALL);
}

/** The target app process (one at a time: event-loop series of two processes do not add up). */
export function instanceVariable(): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('instance')
    .label('App instance')
    .description('Process of the selected target app (instance label of its event-loop histogram).')
    .datasource(DATASOURCE)
    .query(VARIABLE_INSTANCE)
    .definition(VARIABLE_INSTANCE)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(false)
    .includeAll(false);
}

/**
 * Run phases as annotation regions. Grafana's Prometheus annotations turn consecutive non-zero
 * samples of a series (at most one step apart) into one region, so the 0-or-absent phase gauge
 * gives a region from the phase's start to its stop, titled by strategy and phase.
 */
export function runPhaseAnnotations(runs?: string): dashboard.AnnotationQueryBuilder[] {
  const phases = [
    { phase: 'warmup' as const, name: 'Warm-up phases', color: 'rgba(128, 128, 128, 0.4)' },
    { phase: 'measure' as const, name: 'Measure phases', color: 'rgba(31, 120, 193, 0.35)' },
  ];
  return phases.map(({ phase, name, color }) => {
    const expr = runPhaseAnnotation(phase, runs);
    return new dashboard.AnnotationQueryBuilder()
      .name(name)
      .datasource(DATASOURCE)
      .enable(true)
      .hide(false)
      .iconColor(color)
      .target(
        new prometheus.DataqueryBuilder()
          .datasource(DATASOURCE)
          .refId('Anno')
          .expr(expr)
          .interval('1s')
          .range(),
      )
      .expr(expr)
      .step('1s')
      .titleFormat(`{{strategy}} · ${phase}`)
      .textFormat('testid {{testid}}')
      .tagKeys('testid,strategy,phase')
      .useValueForTime(false);
  });
}

type Json = Record<string, unknown>;

/**
 * Last pass over a built dashboard: numbers every panel (rows and panels inside collapsed rows
 * too) 1, 2, ... in order, and drops the SDK's default `placement: "inControlsMenu"` from
 * annotations and links so their toggles show in the dashboard's top bar.
 */
export function finalize(built: dashboard.Dashboard): dashboard.Dashboard {
  for (const item of [...(built.annotations?.list ?? []), ...(built.links ?? [])]) {
    delete (item as unknown as Json).placement;
  }
  let next = 1;
  const visit = (panels: unknown[] | undefined): void => {
    for (const panel of panels ?? []) {
      const p = panel as Json;
      p.id = next++;
      visit(p.panels as unknown[] | undefined);
    }
  };
  visit(built.panels as unknown[] | undefined);
  return built;
}
