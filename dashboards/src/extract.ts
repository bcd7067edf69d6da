/**
 * Walks generated dashboard JSON and lists every query in it (panel targets, annotation queries,
 * template-variable queries), plus the variable substitution the tests use, so anyone can run the
 * queries against a real Prometheus:
 *
 *   for (const q of allPanelQueries(json)) {
 *     const promql = substituteVariables(q.promql, { ...SAMPLE_VARIABLE_VALUES, instance: 'app:3000' });
 *     // GET /api/v1/query?query=<promql>  (instant: true) or /api/v1/query_range (otherwise)
 *   }
 */
import { variablesIn } from './grafana-variables.js';

export interface PanelQuery {
  /** uid of the dashboard. */
  dashboard: string;
  /** Panel title; "annotation: <name>" or "variable: <name>" for those queries. */
  panelTitle: string;
  refId: string;
  /** The query as written in the dashboard (for variables, Grafana's label_values(...) syntax). */
  expr: string;
  /** Grafana variables referenced ($name, ${name}, [[name]]), built-ins like __rate_interval included. */
  variablesUsed: string[];
  kind: 'panel' | 'annotation' | 'variable';
  /** Instant query (one value at the end of the range) rather than a range query. */
  instant: boolean;
  /** `expr` as plain PromQL: the same text for panels and annotations; label_values(m, l) becomes `group by (l) (m)`. */
  promql: string;
}

/** Grafana's built-in variables (never in the dashboard's templating list). */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__dashboard',
  '__name',
  '__org',
  '__user',
]);

/**
 * Sample values for every variable the looplab dashboards use: durations for the built-ins,
 * ".*" for the variables used in regex matchers (=~, $target too), "none" for the optional second test id.
 * Good for a parse check, and for a real query too (".*" selects everything); override
 * instance/testid to pin a real target or run.
 */
export const SAMPLE_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __range: '5m',
  __interval: '15s',
  __interval_ms: '15000',
  __range_s: '300',
  __range_ms: '300000',
  datasource: 'prometheus',
  target: '.*',
  testid: '.*',
  testid_b: 'none',
  strategy: '.*',
  instance: '.*',
};

/**
 * Replaces Grafana variables ($name, ${name}, ${name:format}, [[name]]) with the given values,
 * verbatim (no regex escaping or multi-value formatting). Throws on a variable without a value,
 * naming it, so a validator cannot silently send "$instance" to Prometheus.
 */
export function substituteVariables(
  expr: string,
  values: Readonly<Record<string, string>>,
): string {
  const missing = variablesIn(expr).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`no value for ${missing.map((name) => `$${name}`).join(', ')} in: ${expr}`);
  }
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g,
    (_match, a?: string, b?: string, c?: string) => values[(a ?? b ?? c) as string] as string,
  );
}

/**
 * A Prometheus template-variable query as PromQL that returns one series per value:
 * label_values(selector, label) -> group by (label) (selector). Other forms (metrics(),
 * query_result()) are returned unchanged or unwrapped.
 */
export function variableQueryToPromQL(query: string): string {
  const labelValues = /^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/s.exec(query);
  if (labelValues) return `group by (${labelValues[2]}) (${labelValues[1]})`;
  const labelOnly = /^\s*label_values\(\s*(\w+)\s*\)\s*$/.exec(query);
  if (labelOnly) return `group by (${labelOnly[1]}) ({${labelOnly[1]}!=""})`;
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1] as string;
  return query;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every panel, panels of (collapsed) rows included, rows excluded. */
export function allPanels(dashboardJson: unknown): Json[] {
  const out: Json[] = [];
  const visit = (panels: unknown[]): void => {
    for (const panel of panels) {
      if (!isObject(panel)) continue;
      if (panel.type !== 'row') out.push(panel);
      visit(asArray(panel.panels));
    }
  };
  if (isObject(dashboardJson)) visit(asArray(dashboardJson.panels));
  return out;
}

function variableQueryText(variable: Json): string {
  const query = variable.query;
  if (typeof query === 'string') return query;
  if (isObject(query)) return str(query.query);
  return '';
}

export function allPanelQueries(dashboardJson: unknown): PanelQuery[] {
  if (!isObject(dashboardJson)) throw new Error('not a dashboard object');
  const uid = str(dashboardJson.uid);
  const out: PanelQuery[] = [];
  const add = (entry: Omit<PanelQuery, 'variablesUsed' | 'dashboard'>): void => {
    out.push({ dashboard: uid, ...entry, variablesUsed: variablesIn(entry.expr) });
  };

  for (const panel of allPanels(dashboardJson)) {
    for (const target of asArray(panel.targets)) {
      if (!isObject(target) || typeof target.expr !== 'string') continue;
      add({
        panelTitle: str(panel.title),
        refId: str(target.refId),
        expr: target.expr,
        kind: 'panel',
        instant: target.instant === true,
        promql: target.expr,
      });
    }
  }

  const annotations = isObject(dashboardJson.annotations) ? dashboardJson.annotations.list : [];
  for (const annotation of asArray(annotations)) {
    if (!isObject(annotation)) continue;
    const target = isObject(annotation.target) ? annotation.target : {};
    const expr = str(target.expr) || str(annotation.expr);
    if (!expr) continue;
    add({
      panelTitle: `annotation: ${str(annotation.name)}`,
      refId: str(target.refId) || 'Anno',
      expr,
      kind: 'annotation',
      instant: false,
      promql: expr,
    });
  }

  const variables = isObject(dashboardJson.templating) ? dashboardJson.templating.list : [];
  for (const variable of asArray(variables)) {
    if (!isObject(variable) || variable.type !== 'query') continue;
    const expr = variableQueryText(variable);
    if (!expr) continue;
    add({
      panelTitle: `variable: ${str(variable.name)}`,
      refId: str(variable.name),
      expr,
      kind: 'variable',
      instant: true,
      promql: variableQueryToPromQL(expr),
    });
  }
  return out;
}
