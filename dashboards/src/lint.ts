/**
 * Dashboard lint rules in the spirit of grafana/dashboard-linter (not available here), applied to
 * generated dashboard JSON:
 *
 * - dashboard-uid, dashboard-title, schema-version: required dashboard fields
 * - unique-uid, unique-title: across all dashboards linted together
 * - panel-title, panel-description, panel-unit: every (non-row) panel says what it is and in what unit
 * - panel-id: present and unique within the dashboard (row panels and nested panels included)
 * - grid-bounds, grid-overlap: gridPos inside 24 columns, panels do not overlap
 * - target-refid: every target has a refId, unique within its panel
 * - target-datasource: every target (and panel, annotation, query variable) names a datasource uid
 * - datasource-consistent: one Prometheus datasource reference per dashboard; a variable
 *   reference must name a datasource variable
 * - target-expr: every target has a non-empty expr
 * - rate-interval: rate()/irate()/increase() windows are $__rate_interval or $__range
 * - fixed-range: no fixed windows anywhere ([5m]): ranges and subquery ranges are Grafana
 *   interval variables
 * - undefined-variable: variables used in queries and titles exist
 * - variable-order: a variable's query uses only variables defined before it
 */
import { allPanelQueries, BUILTIN_VARIABLES } from './extract.js';
import { variablesIn } from './grafana-variables.js';
import { rangeUses } from './promql.js';

export interface LintIssue {
  /** uid (or title) of the dashboard. */
  dashboard: string;
  rule: string;
  message: string;
  /** Panel title, or "annotation: ..." / "variable: ...". */
  where?: string;
}

export const LINT_RULES = [
  'dashboard-uid',
  'dashboard-title',
  'schema-version',
  'unique-uid',
  'unique-title',
  'panel-title',
  'panel-description',
  'panel-unit',
  'panel-id',
  'grid-bounds',
  'grid-overlap',
  'target-refid',
  'target-datasource',
  'datasource-consistent',
  'target-expr',
  'rate-interval',
  'fixed-range',
  'undefined-variable',
  'variable-order',
] as const;
export type LintRule = (typeof LINT_RULES)[number];

/** Functions whose window must follow the dashboard: Grafana's rate interval or the whole range. */
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a template literal
const RATE_WINDOWS = new Set(['$__rate_interval', '${__rate_interval}', '$__range', '${__range}']);
/** Any range or subquery range must be one of Grafana's interval variables. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a template literal
const VARIABLE_WINDOWS = new Set([...RATE_WINDOWS, '$__interval', '${__interval}']);

const GRID_COLUMNS = 24;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function formatIssue(issue: LintIssue): string {
  const where = issue.where ? ` [${issue.where}]` : '';
  return `${issue.dashboard}${where}: ${issue.rule}: ${issue.message}`;
}

/** Lints several dashboards: each on its own, plus uid/title uniqueness across them. */
export function lintDashboards(dashboards: unknown[]): LintIssue[] {
  const issues = dashboards.flatMap((d) => lintDashboard(d));
  const seen = { uid: new Map<string, number>(), title: new Map<string, number>() };
  for (const d of dashboards) {
    if (!isObject(d)) continue;
    for (const key of ['uid', 'title'] as const) {
      const value = str(d[key]);
      if (value) seen[key].set(value, (seen[key].get(value) ?? 0) + 1);
    }
  }
  for (const key of ['uid', 'title'] as const) {
    for (const [value, count] of seen[key]) {
      if (count > 1) {
        issues.push({
          dashboard: value,
          rule: `unique-${key}`,
          message: `${count} dashboards have ${key} "${value}"`,
        });
      }
    }
  }
  return issues;
}

export function lintDashboard(dashboardJson: unknown): LintIssue[] {
  if (!isObject(dashboardJson)) {
    return [{ dashboard: '?', rule: 'dashboard-uid', message: 'not a JSON object' }];
  }
  const d = dashboardJson;
  const name = str(d.uid) || str(d.title) || '?';
  const issues: LintIssue[] = [];
  const report = (rule: LintRule, message: string, where?: string): void => {
    issues.push(
      where === undefined
        ? { dashboard: name, rule, message }
        : { dashboard: name, rule, message, where },
    );
  };

  // Dashboard fields.
  const uid = str(d.uid);
  if (!uid) report('dashboard-uid', 'dashboard has no uid');
  else if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) {
    report('dashboard-uid', `uid "${uid}" must be 1-40 characters of A-Z a-z 0-9 _ -`);
  }
  if (!str(d.title).trim()) report('dashboard-title', 'dashboard has no title');
  if (typeof d.schemaVersion !== 'number') report('schema-version', 'schemaVersion is missing');

  // Variables.
  const templating = isObject(d.templating) ? asArray(d.templating.list) : [];
  const variables = templating.filter(isObject);
  const variableNames = variables.map((v) => str(v.name));
  const datasourceVariables = new Set(
    variables.filter((v) => v.type === 'datasource').map((v) => str(v.name)),
  );
  variables.forEach((variable, index) => {
    const query = typeof variable.query === 'string' ? variable.query : '';
    if (variable.type !== 'query') return;
    const where = `variable: ${str(variable.name)}`;
    for (const used of variablesIn(query)) {
      if (BUILTIN_VARIABLES.has(used)) continue;
      const defined = variableNames.indexOf(used);
      if (defined < 0) report('undefined-variable', `$${used} is not a dashboard variable`, where);
      else if (defined >= index) {
        report('variable-order', `uses $${used}, which is defined after it`, where);
      }
    }
  });

  // Datasource references: every one must have a uid, all Prometheus ones the same.
  const prometheusUids = new Set<string>();
  const checkDatasource = (ref: unknown, where: string, required: boolean): void => {
    if (!isObject(ref) || !str(ref.uid)) {
      if (required) report('target-datasource', 'no datasource with a uid', where);
      return;
    }
    const uidRef = str(ref.uid);
    if (str(ref.type) === 'prometheus' || ref.type === undefined) prometheusUids.add(uidRef);
    const referenced = variablesIn(uidRef);
    for (const variable of referenced) {
      if (!datasourceVariables.has(variable)) {
        report(
          'datasource-consistent',
          `datasource uid ${uidRef} names no datasource variable`,
          where,
        );
      }
    }
  };
  for (const variable of variables) {
    if (variable.type === 'query') {
      checkDatasource(variable.datasource, `variable: ${str(variable.name)}`, true);
    }
  }
  const annotations = isObject(d.annotations) ? asArray(d.annotations.list).filter(isObject) : [];
  for (const annotation of annotations) {
    if (annotation.builtIn === 1) continue;
    const where = `annotation: ${str(annotation.name)}`;
    checkDatasource(annotation.datasource, where, true);
    if (isObject(annotation.target) && annotation.target.datasource !== undefined) {
      checkDatasource(annotation.target.datasource, where, true);
    }
  }

  // Panels.
  const ids = new Map<number, number>();
  const visit = (panels: unknown[], group: Json[]): void => {
    for (const panel of panels) {
      if (!isObject(panel)) continue;
      const title = str(panel.title);
      const where = title || `panel #${String(panel.id)}`;
      if (typeof panel.id !== 'number') report('panel-id', 'panel has no numeric id', where);
      else ids.set(panel.id, (ids.get(panel.id) ?? 0) + 1);
      checkGrid(panel, where, report);
      group.push(panel);
      if (panel.type === 'row') {
        if (!title.trim()) report('panel-title', 'row has no title', where);
        // Panels of a collapsed row are laid out on their own when the row opens.
        const nested = asArray(panel.panels);
        if (nested.length > 0) {
          const inner: Json[] = [];
          visit(nested, inner);
          checkOverlaps(inner, report);
        }
        continue;
      }
      lintPanel(panel, where, report, checkDatasource);
    }
  };
  const topLevel: Json[] = [];
  visit(asArray(d.panels), topLevel);
  checkOverlaps(topLevel, report);
  for (const [id, count] of ids) {
    if (count > 1) report('panel-id', `panel id ${id} is used by ${count} panels`);
  }
  if (prometheusUids.size > 1) {
    report(
      'datasource-consistent',
      `Prometheus is referenced as ${[...prometheusUids].join(', ')}: pick one (the datasource variable)`,
    );
  }

  // Queries: windows and variables.
  for (const q of allPanelQueries(d)) {
    const where = q.panelTitle;
    for (const used of q.variablesUsed) {
      if (!BUILTIN_VARIABLES.has(used) && !variableNames.includes(used)) {
        report(
          'undefined-variable',
          `$${used} is not a dashboard variable (refId ${q.refId})`,
          where,
        );
      }
    }
    if (q.kind === 'variable') continue;
    let uses: ReturnType<typeof rangeUses>;
    try {
      uses = rangeUses(q.expr);
    } catch (error) {
      report('target-expr', `cannot read expression: ${(error as Error).message}`, where);
      continue;
    }
    for (const use of uses) {
      if (RATE_FUNCTIONS.has(use.fn) && !RATE_WINDOWS.has(use.range)) {
        report(
          'rate-interval',
          `${use.fn}() over [${use.range}]: use $__rate_interval (or $__range for a whole-range total) (refId ${q.refId})`,
          where,
        );
      } else if (!VARIABLE_WINDOWS.has(use.range)) {
        report(
          'fixed-range',
          `${use.fn || 'selector'}[${use.range}] is a fixed window: use $__rate_interval, $__interval or $__range (refId ${q.refId})`,
          where,
        );
      }
      if (use.step !== undefined && use.step !== '' && !VARIABLE_WINDOWS.has(use.step)) {
        report(
          'fixed-range',
          `subquery step ${use.step} is fixed: use $__interval (refId ${q.refId})`,
          where,
        );
      }
    }
  }
  for (const panel of asArray(d.panels).filter(isObject)) {
    for (const used of variablesIn(str(panel.title))) {
      if (!BUILTIN_VARIABLES.has(used) && !variableNames.includes(used)) {
        report(
          'undefined-variable',
          `$${used} in the title is not a dashboard variable`,
          str(panel.title),
        );
      }
    }
  }
  return issues;
}

type Report = (rule: LintRule, message: string, where?: string) => void;

function lintPanel(
  panel: Json,
  where: string,
  report: Report,
  checkDatasource: (ref: unknown, where: string, required: boolean) => void,
): void {
  if (!str(panel.title).trim()) report('panel-title', 'panel has no title', where);
  if (!str(panel.description).trim())
    report('panel-description', 'panel has no description', where);
  const fieldConfig = isObject(panel.fieldConfig) ? panel.fieldConfig : {};
  const defaults = isObject(fieldConfig.defaults) ? fieldConfig.defaults : {};
  if (!str(defaults.unit).trim())
    report('panel-unit', 'panel has no unit (fieldConfig.defaults.unit)', where);
  checkDatasource(panel.datasource, where, false);

  const targets = asArray(panel.targets).filter(isObject);
  const refIds = new Set<string>();
  for (const target of targets) {
    const refId = str(target.refId);
    if (!refId) report('target-refid', 'target has no refId', where);
    else if (refIds.has(refId)) report('target-refid', `refId ${refId} is used twice`, where);
    refIds.add(refId);
    checkDatasource(target.datasource, `${where} (refId ${refId || '?'})`, true);
    if (!str(target.expr).trim())
      report('target-expr', `target ${refId || '?'} has no expr`, where);
  }
}

function gridOf(panel: Json): { x: number; y: number; w: number; h: number } | undefined {
  const g = panel.gridPos;
  if (!isObject(g)) return undefined;
  const { x, y, w, h } = g;
  if ([x, y, w, h].every((n) => typeof n === 'number')) {
    return { x: x as number, y: y as number, w: w as number, h: h as number };
  }
  return undefined;
}

function checkGrid(panel: Json, where: string, report: Report): void {
  const g = gridOf(panel);
  if (!g) {
    report('grid-bounds', 'panel has no complete gridPos {x, y, w, h}', where);
    return;
  }
  if (![g.x, g.y, g.w, g.h].every(Number.isInteger)) {
    report('grid-bounds', `gridPos ${JSON.stringify(g)} must be integers`, where);
  }
  if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) {
    report(
      'grid-bounds',
      `gridPos x=${g.x} w=${g.w} y=${g.y} h=${g.h} is outside the ${GRID_COLUMNS}-column grid`,
      where,
    );
  }
}

function checkOverlaps(panels: Json[], report: Report): void {
  const placed = panels
    .map((panel) => ({ panel, g: gridOf(panel) }))
    .filter(
      (p): p is { panel: Json; g: NonNullable<ReturnType<typeof gridOf>> } => p.g !== undefined,
    );
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i]?.g;
      const b = placed[j]?.g;
      if (!a || !b) continue;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      if (overlap) {
        report(
          'grid-overlap',
          `overlaps "${str(placed[j]?.panel.title)}"`,
          str(placed[i]?.panel.title) || `panel #${String(placed[i]?.panel.id)}`,
        );
      }
    }
  }
}
