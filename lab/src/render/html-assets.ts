import { FORMATTER_PREFIX } from './charts/index.js';

/** The fixed CSS and browser script of report.html (everything but the data and ECharts). */

export const REPORT_CSS = `
:root {
  color-scheme: light;
  --text: #1f2933; --muted: #64748b; --border: #e2e8f0; --bg: #f4f6f9; --card: #fff;
  --pass: #1a7f37; --fail: #cf222e; --accent: #3a7bd5;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -0.01em; }
h1 code { font-size: 0.8em; font-weight: 500; color: var(--muted); }
h2 { font-size: 16px; margin: 0 0 12px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.meta { color: var(--muted); font-size: 13px; margin: 2px 0; }
.card {
  background: var(--card); border: 1px solid var(--border); border-radius: 10px;
  padding: 16px 20px; margin: 16px 0; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04);
}
.verdict { border-left: 4px solid var(--accent); }
.verdict p { font-size: 16px; margin: 0; }
.hint, .footnote { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
.table-wrap { overflow-x: auto; }
table.summary { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
table.summary th, table.summary td {
  padding: 7px 8px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--border);
}
table.summary thead th { font-weight: 600; vertical-align: bottom; white-space: normal; }
table.summary thead tr.groups th {
  text-align: center; color: var(--muted); font-size: 11px; font-weight: 600;
  text-transform: uppercase; letter-spacing: 0.04em; border-bottom: 2px solid var(--border);
}
table.summary th.group-start, table.summary td.group-start { border-left: 1px solid var(--border); }
table.summary .strategy, table.summary .text { text-align: left; }
table.summary tbody tr:hover { background: #f8fafc; }
table.summary tbody tr:last-child td { border-bottom: none; }
.unit { display: block; color: var(--muted); font-size: 11px; font-weight: 400; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 7px; }
.tag {
  display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; font-size: 11px;
  color: var(--muted); border: 1px solid var(--border);
}
.tag.failing, .incomplete { color: var(--fail); border-color: var(--fail); }
ul.budgets { list-style: none; margin: 0; padding: 0; }
ul.budgets li { display: flex; gap: 10px; align-items: baseline; padding: 5px 0; flex-wrap: wrap; }
ul.budgets .values { color: var(--muted); font-variant-numeric: tabular-nums; }
.badge {
  display: inline-block; min-width: 44px; text-align: center; padding: 1px 8px; border-radius: 10px;
  font-size: 11px; font-weight: 700; color: #fff; letter-spacing: 0.04em;
}
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.budget-summary.fail { color: var(--fail); font-weight: 600; }
.budget-summary.pass { color: var(--pass); font-weight: 600; }
.chart-card { padding: 8px 8px 4px; }
.chart { width: 100%; }
.section-title { margin: 28px 0 0; font-size: 18px; }
.facts-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 32px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
figure.flame { margin: 14px 0 0; }
figure.flame figcaption { font-weight: 600; margin: 0 0 4px; }
svg.flame-graph { display: block; }
svg.flame-graph text { fill: #1f2933; pointer-events: none; }
svg.flame-graph g.frame:hover rect { stroke: #1f2933; stroke-width: 1; }
@media print {
  body { background: #fff; }
  .card { box-shadow: none; break-inside: avoid; }
}
`;

/** Builds the charts from #chart-options, swapping formatter markers for functions. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var PREFIX = ${JSON.stringify(FORMATTER_PREFIX)};
  function num(v) {
    if (Array.isArray(v)) v = v[v.length - 1];
    return typeof v === 'number' && isFinite(v) ? v : null;
  }
  function msNumber(v) {
    v = num(v);
    if (v === null) return '\\u2013';
    return v < 1 ? v.toFixed(2) : v.toFixed(1);
  }
  var FORMATTERS = {
    ms: function (v) { return num(v) === null ? '\\u2013' : msNumber(v) + ' ms'; },
    percent: function (v) { v = num(v); return v === null ? '\\u2013' : v.toFixed(0) + ' %'; },
    count: function (v) { v = num(v); return v === null ? '\\u2013' : String(Math.round(v)); },
    msLabel: function (p) { return msNumber(p && p.value); },
    seconds: function (p) {
      var v = num(p && typeof p === 'object' ? p.value : p);
      return v === null ? '' : 't = ' + Math.round(v * 10) / 10 + ' s';
    }
  };
  function revive(key, value) {
    if (typeof value === 'string' && value.indexOf(PREFIX) === 0) {
      return FORMATTERS[value.slice(PREFIX.length)] || value;
    }
    return value;
  }
  var specs = JSON.parse(document.getElementById('chart-options').textContent, revive);
  if (typeof echarts === 'undefined') {
    console.error('looplab report: ECharts did not load, charts cannot be drawn');
    specs.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (el) el.textContent = 'Chart unavailable: ECharts did not load.';
    });
    return;
  }
  var charts = [];
  var groups = {};
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(spec.option);
    if (spec.group) {
      chart.group = spec.group;
      groups[spec.group] = true;
    }
    charts.push(chart);
  });
  Object.keys(groups).forEach(function (group) { echarts.connect(group); });
  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();
`;
