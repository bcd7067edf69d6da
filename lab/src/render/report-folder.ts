import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Budget, RawRun, Report } from '../model.js';
import { buildReport } from '../report/assemble.js';
import { renderSamplesCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export const RAW_FILE = 'raw.json';

type ReportFiles = Record<'json' | 'markdown' | 'html' | 'csv', string>;

export interface WrittenReport {
  report: Report;
  folder: string;
  /** `raw` only for a run folder (raw.json); a report built from Prometheus has none. */
  files: ReportFiles & { raw?: string };
}

/** A run folder: the report files next to the raw.json they were built from. */
export interface WrittenRunFolder extends WrittenReport {
  files: ReportFiles & { raw: string };
}

/** Written by `looplab report --prometheus` next to the report files, instead of raw.json. */
export const PROMETHEUS_SOURCE_FILE = 'prometheus.json';

/** NaN has no JSON form: report.json says null where a value does not exist. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export function readRawRun(folder: string): RawRun {
  const path = join(folder, RAW_FILE);
  if (!existsSync(path)) {
    if (existsSync(join(folder, PROMETHEUS_SOURCE_FILE))) {
      throw new Error(
        `${path} not found: this report was built from Prometheus (see ${PROMETHEUS_SOURCE_FILE}); build it again with \`looplab report --prometheus <url> --testid <id>\``,
      );
    }
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

/** Writes report.json, report.md, report.html and samples.csv of a report into folder. */
export function writeReportFiles(folder: string, report: Report): WrittenReport {
  mkdirSync(folder, { recursive: true });
  const files = {
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

/** Builds the report from raw data and writes report.json, report.md, report.html and samples.csv. */
export function writeReportFolder(
  folder: string,
  raw: RawRun,
  budgets: Budget[],
): WrittenRunFolder {
  const written = writeReportFiles(folder, buildReport(raw, budgets));
  return { ...written, files: { raw: join(folder, RAW_FILE), ...written.files } };
}
