import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../model.js';
import { renderSamplesCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import {
  FOLDED_FILE,
  hasStalledStacks,
  renderFolded,
  renderSpeedscope,
  SPEEDSCOPE_FILE,
} from './stall-files.js';

export type ReportFiles = Record<'json' | 'markdown' | 'html' | 'csv', string> &
  Partial<Record<'folded' | 'speedscope', string>>;

export interface WrittenReport {
  report: Report;
  folder: string;
  files: ReportFiles;
}

/** NaN has no JSON form: report.json says null where a value does not exist. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/**
 * Writes report.json, report.md, report.html and samples.csv of a report into folder, and the
 * stalled stacks (stalls.folded, stalls.speedscope.json) when a row has any.
 */
export function writeReportFiles(folder: string, report: Report): WrittenReport {
  mkdirSync(folder, { recursive: true });
  const files: ReportFiles = {
    json: join(folder, 'report.json'),
    markdown: join(folder, 'report.md'),
    html: join(folder, 'report.html'),
    csv: join(folder, 'samples.csv'),
  };
  writeFileSync(files.json, toJson(report));
  writeFileSync(files.markdown, renderMarkdown(report));
  writeFileSync(files.html, renderHtml(report));
  writeFileSync(files.csv, renderSamplesCsv(report));
  if (hasStalledStacks(report)) {
    files.folded = join(folder, FOLDED_FILE);
    files.speedscope = join(folder, SPEEDSCOPE_FILE);
    writeFileSync(files.folded, renderFolded(report));
    writeFileSync(files.speedscope, renderSpeedscope(report));
  } else {
    // A folder rebuilt from a source without stacks keeps no stale ones.
    for (const file of [FOLDED_FILE, SPEEDSCOPE_FILE]) rmSync(join(folder, file), { force: true });
  }
  return { report, folder, files };
}
