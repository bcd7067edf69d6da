import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RawRun, SCHEMA_VERSION } from '../../model.js';

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
  if (raw.schemaVersion !== SCHEMA_VERSION) throw unsupportedVersion(path, raw.schemaVersion);
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
