/**
 * The dashboards this workspace generates, and their canonical JSON text: keys sorted at every
 * level, 2-space indent, trailing newline (see formatJson), so the committed files only change
 * when a dashboard does.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { eventLoopVsLatency } from './event-loop-vs-latency.js';
import { load } from './load.js';
import { strategyComparison } from './strategy-comparison.js';

export interface GeneratedDashboard {
  /** File name under dashboards/generated/. */
  fileName: string;
  dashboard: dashboard.Dashboard;
}

export function buildDashboards(): GeneratedDashboard[] {
  return [
    { fileName: 'event-loop-vs-latency.json', dashboard: eventLoopVsLatency() },
    { fileName: 'load.json', dashboard: load() },
    { fileName: 'strategy-comparison.json', dashboard: strategyComparison() },
  ];
}

/** Plain JSON with object keys sorted recursively (arrays keep their order). */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined || typeof child === 'function') continue;
      out[key] = canonicalize(child);
    }
    return out;
  }
  return value;
}

const LINE_WIDTH = 100;

/**
 * JSON.stringify(value, null, 2), except that a non-empty array of scalars goes on one line when
 * it fits in 100 columns (`"tags": ["looplab"]`): exactly what Biome, the repository's
 * formatter, prints, so `biome check .` accepts the generated files as they are (a test runs
 * Biome on them). Long arrays break one item per line; Biome would "fill" long arrays of numbers
 * several per line, which these dashboards do not have.
 */
export function formatJson(value: unknown): string {
  const format = (v: unknown, indent: string, prefixWidth: number): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((item) => item === null || typeof item !== 'object')) {
        const inline = `[${v.map((item) => JSON.stringify(item)).join(', ')}]`;
        // prefix (indent + key) + inline + a possible trailing comma
        if (prefixWidth + inline.length + 1 <= LINE_WIDTH) return inline;
      }
      const inner = `${indent}  `;
      const items = v.map((item) => `${inner}${format(item, inner, inner.length)}`);
      return `[\n${items.join(',\n')}\n${indent}]`;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) return '{}';
      const inner = `${indent}  `;
      const lines = entries.map(([key, child]) => {
        const prefix = `${inner}${JSON.stringify(key)}: `;
        return `${prefix}${format(child, inner, prefix.length)}`;
      });
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${format(value, '', 0)}\n`;
}

export function renderDashboard(built: dashboard.Dashboard): string {
  return formatJson(canonicalize(built));
}

/** Every generated file: name and exact text. */
export function renderAll(): Array<{ fileName: string; text: string }> {
  return buildDashboards().map(({ fileName, dashboard }) => ({
    fileName,
    text: renderDashboard(dashboard),
  }));
}
