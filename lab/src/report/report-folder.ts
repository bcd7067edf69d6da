import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Budget, RawRun, Report } from '../model.js';
import { buildReport } from './build-report.js';
import { renderSamplesCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

export const RAW_FILE = 'raw.json';

export interface WrittenReport {
  report: Report;
  folder: string;
  files: Record<'raw' | 'json' | 'markdown' | 'html' | 'csv', string>;
}

/** NaN has no JSON form: report.json says null where a value does not exist. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export function readRawRun(folder: string): RawRun {
  const path = join(folder, RAW_FILE);
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: a run folder holds the raw.json that \`looplab compare\` saved`,
    );
  }
  // +Inf histogram bounds have no JSON form either: raw.json spells them "+Inf", as Prometheus does.
  const raw = JSON.parse(readFileSync(path, 'utf8'), (_key, v) =>
    v === '+Inf' ? Number.POSITIVE_INFINITY : v,
  ) as RawRun;
  if (raw.schemaVersion !== 1)
    throw new Error(`${path}: unsupported schemaVersion ${String(raw.schemaVersion)} (expected 1)`);
  return raw;
}

export function saveRawRun(folder: string, raw: RawRun): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, RAW_FILE);
  writeFileSync(
    path,
    `${JSON.stringify(raw, (_key, v) => (v === Number.POSITIVE_INFINITY ? '+Inf' : v))}\n`,
  );
  return path;
}

/** Builds the report from raw data and writes report.json, report.md, report.html and samples.csv. */
export function writeReportFolder(folder: string, raw: RawRun, budgets: Budget[]): WrittenReport {
  const report = buildReport(raw, budgets);
  mkdirSync(folder, { recursive: true });
  const files = {
    raw: join(folder, RAW_FILE),
    json: join(folder, 'report.json'),
    markdown: join(folder, 'report.md'),
    html: join(folder, 'report.html'),
    csv: join(folder, 'samples.csv'),
  };
  writeFileSync(files.json, toJson(report));
  writeFileSync(files.markdown, renderMarkdown(report));
  writeFileSync(files.html, renderHtml(report));
  writeFileSync(files.csv, renderSamplesCsv(report));
  return { report, folder, files };
}
