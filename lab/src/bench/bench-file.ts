import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_SCHEMA, type BenchRun } from './bench-run.js';

export const BENCH_FILE = 'bench.json';

/** NaN and ±Infinity have no JSON spelling: they are written as null ("no value"). */
const finiteOrNull = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

export function writeBenchRun(folder: string, run: BenchRun): string {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, BENCH_FILE);
  writeFileSync(path, `${JSON.stringify(run, finiteOrNull, 2)}\n`);
  return path;
}

/** Reads a bench.json, given itself or the run folder holding it. */
export function readBenchRun(path: string): BenchRun {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, BENCH_FILE) : path;
  if (!existsSync(file)) throw new Error(`no bench run at ${path} (expected ${BENCH_FILE})`);
  const run = JSON.parse(readFileSync(file, 'utf8')) as BenchRun;
  if (run.schema !== BENCH_SCHEMA) {
    throw new Error(`${file}: schema ${String(run.schema)}, expected ${BENCH_SCHEMA}`);
  }
  return run;
}
