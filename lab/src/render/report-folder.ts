import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../model.js';
import { renderSamplesCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export type ReportFiles = Record<'json' | 'markdown' | 'html' | 'csv', string>;

export interface WrittenReport {
  report: Report;
  folder: string;
  files: ReportFiles;
}

/** NaN has no JSON form: report.json says null where a value does not exist. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
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
