import { join } from 'node:path';
import type { Budget, RawRun } from '../model.js';
import { type WrittenReport, writeReportFiles } from '../render/report-folder.js';
import { buildReport } from '../report/assemble.js';
import { localMeasurements } from '../sources/local/local-run.js';
import { RAW_FILE } from '../sources/local/raw-file.js';

/** A run folder: the report files next to the raw.json they were built from. */
export interface WrittenRunFolder extends WrittenReport {
  files: WrittenReport['files'] & { raw: string };
}

/** raw.json → the local source → the report → its files, next to raw.json. */
export function writeRunFolder(folder: string, raw: RawRun, budgets: Budget[]): WrittenRunFolder {
  const { report } = buildReport(localMeasurements(raw), budgets);
  const written = writeReportFiles(folder, report);
  return { ...written, files: { raw: join(folder, RAW_FILE), ...written.files } };
}
