/**
 * Small wrappers around the foundation SDK builders, so every panel gets the same conventions:
 * a description, a unit, the datasource variable on the panel and on every target, refIds A, B, ...
 * Layout: `width` is in grid columns (24 = full width); DashboardBuilder places panels left to
 * right and wraps, and rows start on a new line.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** One convention for every query: the Prometheus datasource picked by the `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a template literal
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
/** uid of the provisioned Prometheus datasource: the variable's default. */
export const PROMETHEUS_UID = 'prometheus';

export interface QuerySpec {
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars too (trace links, via the datasource's exemplar config). */
  exemplar?: boolean;
  /** Instant query (one value per series at the end of the time range). */
  instant?: boolean;
  /** Table format (instant queries feeding a table). */
  table?: boolean;
  /** Lower bound for $__interval on this query (the datasource's scrape interval otherwise). */
  minInterval?: string;
}

const refId = (index: number): string => String.fromCharCode('A'.charCodeAt(0) + index);

export function query(spec: QuerySpec, index: number): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(refId(index))
    .expr(spec.expr)
    .legendFormat(spec.legend ?? '__auto');
  if (spec.instant) builder.instant();
  else builder.range();
  if (spec.table) builder.format(prometheus.PromQueryFormat.Table);
  if (spec.exemplar) builder.exemplar(true);
  if (spec.minInterval) builder.interval(spec.minInterval);
  return builder;
}

interface PanelSpec {
  title: string;
  /** What the panel shows, and what a healthy vs a blocked service looks like on it. */
  description: string;
  unit: string;
  queries: QuerySpec[];
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  decimals?: number;
}

type AnyPanelBuilder =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | bargauge.PanelBuilder
  | table.PanelBuilder;

function base<T extends AnyPanelBuilder>(builder: T, spec: PanelSpec, defaultHeight: number): T {
  builder
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? 24)
    .height(spec.height ?? defaultHeight);
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.decimals !== undefined) builder.decimals(spec.decimals);
  spec.queries.forEach((q, index) => {
    builder.withTarget(query(q, index));
  });
  return builder;
}

export interface TimeSeriesSpec extends PanelSpec {
  /** Bars instead of lines (for counters that move in steps). */
  bars?: boolean;
  /** Step lines (for 0/1 state and gauges set at discrete moments). */
  steps?: boolean;
  /** Field overrides: series whose display name matches the regex get these properties. */
  overrides?: Array<{ regex: string; properties: dashboard.DynamicConfigValue[] }>;
}

export function timeSeriesPanel(spec: TimeSeriesSpec): timeseries.PanelBuilder {
  const builder = base(new timeseries.PanelBuilder(), spec, 8)
    .drawStyle(spec.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .lineInterpolation(
      spec.steps ? common.LineInterpolation.StepAfter : common.LineInterpolation.Linear,
    )
    .lineWidth(1)
    .fillOpacity(spec.bars ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .calcs([]),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  for (const override of spec.overrides ?? []) {
    builder.overrideByRegexp(override.regex, override.properties);
  }
  return builder;
}

/** Green below `warn`, orange from `warn`, red from `bad` (same unit as the panel). */
export function thresholds(warn: number, bad: number): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: warn, color: 'orange' },
    { value: bad, color: 'red' },
  ]);
}

/** One neutral colour: for values that are neither good nor bad by themselves. */
export function neutral(): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'blue' }]);
}

export interface SingleValueSpec extends PanelSpec {
  thresholds?: dashboard.ThresholdsConfigBuilder;
}

const lastValue = (): common.ReduceDataOptionsBuilder =>
  new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

export function statPanel(spec: SingleValueSpec): stat.PanelBuilder {
  const builder = base(new stat.PanelBuilder(), spec, 5)
    .reduceOptions(lastValue())
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.ValueAndName);
  builder.thresholds(spec.thresholds ?? neutral());
  return builder;
}

export function barGaugePanel(spec: SingleValueSpec): bargauge.PanelBuilder {
  const builder = base(new bargauge.PanelBuilder(), spec, 8)
    .reduceOptions(lastValue())
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Left)
    .showUnfilled(true);
  builder.thresholds(spec.thresholds ?? neutral());
  return builder;
}

export interface TableColumn {
  /** Column header; the query's value column ("Value #<refId>") is renamed to it. */
  name: string;
  unit: string;
  decimals?: number;
  query: Omit<QuerySpec, 'instant' | 'table'>;
}

export interface TableSpec extends Omit<PanelSpec, 'queries'> {
  /** Label columns shown first, in this order (e.g. testid, strategy). */
  labels: string[];
  columns: TableColumn[];
}

/**
 * One row per label set (e.g. per testid and strategy), one column per instant query: the
 * queries' frames are merged on their common labels, then renamed and ordered.
 */
export function tablePanel(spec: TableSpec): table.PanelBuilder {
  const queries = spec.columns.map((column) => ({ ...column.query, instant: true, table: true }));
  const builder = base(new table.PanelBuilder(), { ...spec, queries }, 9)
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: Object.fromEntries(
          [...spec.labels, ...spec.columns.map((_, index) => `Value #${refId(index)}`)].map(
            (name, index) => [name, index],
          ),
        ),
        renameByName: Object.fromEntries(
          spec.columns.map((column, index) => [`Value #${refId(index)}`, column.name]),
        ),
      },
    })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.labels[0] ?? 'Time')]);
  for (const column of spec.columns) {
    const properties: dashboard.DynamicConfigValue[] = [{ id: 'unit', value: column.unit }];
    if (column.decimals !== undefined) properties.push({ id: 'decimals', value: column.decimals });
    builder.overrideByName(column.name, properties);
  }
  return builder;
}
