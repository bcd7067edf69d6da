import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Budget } from '../model.js';
import { assembleReport } from '../report/assemble.js';
import {
  collectFromPrometheus,
  type PrometheusSource,
  type Provenance,
} from '../sources/prometheus/collect.js';
import {
  PROMETHEUS_SOURCE_FILE,
  toJson,
  type WrittenReport,
  writeReportFiles,
} from './report-folder.js';

export interface WrittenPrometheusReport extends WrittenReport {
  provenance: Provenance;
  files: WrittenReport['files'] & { prometheus: string };
}

/** Default folder for a report built from Prometheus: reports/<testid>-prometheus. */
export function defaultPrometheusOut(testid: string): string {
  return join('reports', `${testid.replace(/[^A-Za-z0-9._-]/g, '_')}-prometheus`);
}

/**
 * `looplab report --prometheus <url> --testid <id>`: the same Report as a local run's, built
 * from what Prometheus recorded, written by the same code (report.json, report.md, report.html,
 * samples.csv), plus prometheus.json (where each number came from) instead of raw.json.
 */
export async function writePrometheusReport(
  folder: string,
  source: PrometheusSource,
  budgets: Budget[],
): Promise<WrittenPrometheusReport> {
  const collected = await collectFromPrometheus(source);
  const report = assembleReport(collected.parts, budgets);
  const written = writeReportFiles(folder, report);
  const prometheus = join(folder, PROMETHEUS_SOURCE_FILE);
  writeFileSync(prometheus, toJson(collected.provenance));
  return {
    ...written,
    provenance: collected.provenance,
    files: { ...written.files, prometheus },
  };
}
