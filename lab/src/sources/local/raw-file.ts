import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type RawRun, SCHEMA_VERSION } from '../../model.js';
import { schemaProblem } from '../../schemas.js';

/** What `looplab compare` saves in a run folder: everything the report is built from. */
export const RAW_FILE = 'raw.json';

/** Written by `looplab report --prometheus` next to the report files, instead of raw.json. */
export const PROMETHEUS_SOURCE_FILE = 'prometheus.json';

/** An older (or newer) looplab's file: what it is, and what to do instead. */
export function unsupportedVersion(path: string, found: unknown): Error {
  const which = typeof found === 'number' && found < SCHEMA_VERSION ? 'an older' : 'another';
  return new Error(
    `${path} has schemaVersion ${String(found)}, written by ${which} looplab; this one reads version ${SCHEMA_VERSION}. ` +
      'Run the comparison again (`npm run compare`, or `looplab compare` with the same flags; raw.json\'s "config" lists them), ' +
      'or rebuild this folder with the looplab that wrote it (git log -- lab/src/model.ts finds the commit).',
  );
}

/** The report a folder holds, read only to say what it is when its raw.json is missing. */
const REPORT_FILE = 'report.json';

/** Why a folder cannot be rebuilt: it has no raw.json. What it has says what to do instead. */
function missingRaw(folder: string, path: string): Error {
  if (existsSync(join(folder, PROMETHEUS_SOURCE_FILE)))
    return new Error(
      `${path} not found: this report was built from Prometheus (see ${PROMETHEUS_SOURCE_FILE}); build it again with \`looplab report --prometheus <url> --testid <id>\``,
    );
  const report = join(folder, REPORT_FILE);
  if (existsSync(report)) {
    let version: unknown;
    try {
      version = (JSON.parse(readFileSync(report, 'utf8')) as { schemaVersion?: unknown })
        .schemaVersion;
    } catch {
      version = undefined;
    }
    if (version !== SCHEMA_VERSION) return unsupportedVersion(report, version);
    return new Error(
      `${path} not found: ${report} is a finished report; \`looplab report\` rebuilds one from the raw.json \`looplab compare\` saved next to it`,
    );
  }
  return new Error(
    `${path} not found: a run folder holds the raw.json that \`looplab compare\` saved`,
  );
}

/** The run folder a user means: the folder itself, or the one holding the raw.json or report.json named. */
export function runFolderOf(given: string): string {
  return [RAW_FILE, REPORT_FILE].includes(basename(given)) ? dirname(given) : given;
}

/** A run folder's raw.json, checked: its version first, then its schema. */
export function readRawRun(folder: string): RawRun {
  const path = join(folder, RAW_FILE);
  if (!existsSync(path)) throw missingRaw(folder, path);
  const text = readFileSync(path, 'utf8');
  const data = JSON.parse(text) as { schemaVersion?: unknown };
  if (data?.schemaVersion !== SCHEMA_VERSION) throw unsupportedVersion(path, data?.schemaVersion);
  const problem = schemaProblem('raw', data);
  if (problem) throw new Error(`${path}: ${problem} (lab/schema/raw.schema.json)`);
  // +Inf histogram bounds have no JSON form either: raw.json spells them "+Inf", as Prometheus does.
  return JSON.parse(text, (_key, v) => (v === '+Inf' ? Number.POSITIVE_INFINITY : v)) as RawRun;
}

export function saveRawRun(folder: string, raw: RawRun): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, RAW_FILE);
  writeFileSync(path, rawJson(raw));
  return path;
}

/** raw.json's text: +Inf histogram bounds spelled "+Inf" (JSON has no infinity), NaN as null. */
export function rawJson(raw: RawRun): string {
  return `${JSON.stringify(raw, (_key, v) => (v === Number.POSITIVE_INFINITY ? '+Inf' : v))}\n`;
}
