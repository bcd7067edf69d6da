/**
 * The services of test/byos/services, started as real processes on ephemeral loopback ports, and
 * `looplab compare` run against them as a user would (the built CLI).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRun, Report } from '../../../lab/src/model.js';
import { Child } from '../../../lab/src/process/child-process.js';
import { type CliResult, REPO_ROOT, runCli } from '../../../lab/test/support/cli.js';

export const SERVICES_DIR = join(__dirname, '..', 'services');
const PYTHON = join(REPO_ROOT, 'target-fastapi', '.venv', 'bin', 'python');

export interface RunningService {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

async function started(
  child: Child,
  port: Promise<number>,
  host = '127.0.0.1',
): Promise<RunningService> {
  const url = `http://${host}:${await port}`;
  return { url, child, stop: async () => void (await child.stop(5_000)) };
}

/** orders-service.mjs (plain node:http) with the given environment (SERVICE_METRICS, FIXED). */
export function startOrdersService(env: Record<string, string> = {}): Promise<RunningService> {
  const child = new Child({
    name: 'the orders service',
    command: process.execPath,
    args: [join(SERVICES_DIR, 'orders-service.mjs')],
    cwd: SERVICES_DIR,
    env: { PATH: process.env.PATH, ...env },
  });
  const port = child.waitForLine(
    (line) => {
      try {
        return (JSON.parse(line) as { port?: number }).port;
      } catch {
        return undefined;
      }
    },
    'start listening',
    30_000,
  );
  return started(child, port, env.HOST);
}

/** The seed article's FastAPI code under uvicorn's defaults (its default loop). */
export function startArticleService(env: Record<string, string> = {}): Promise<RunningService> {
  const child = new Child({
    name: 'the article service',
    command: PYTHON,
    args: [
      '-m',
      'uvicorn',
      'article_service:app',
      '--app-dir',
      SERVICES_DIR,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ],
    env: { PATH: process.env.PATH, ...env },
  });
  const port = child.waitForLine(
    (line) => {
      const found = /Uvicorn running on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      return found ? Number(found[1]) : undefined;
    },
    'start listening',
    30_000,
  );
  return started(child, port);
}

export interface CompareRun {
  cli: CliResult;
  report?: Report;
  raw?: RawRun;
  markdown?: string;
}

/** `looplab compare` with these arguments, writing to out/runId; its files read when it wrote them. */
export async function compare(args: string[], out: string, runId: string): Promise<CompareRun> {
  const cli = await runCli(['compare', ...args, '--out', out, '--run-id', runId], 300_000);
  const folder = join(out, runId);
  const read = <T>(file: string) => {
    try {
      return JSON.parse(readFileSync(join(folder, file), 'utf8')) as T;
    } catch {
      return undefined;
    }
  };
  let markdown: string | undefined;
  try {
    markdown = readFileSync(join(folder, 'report.md'), 'utf8');
  } catch {}
  const report = read<Report>('report.json');
  const raw = read<RawRun>('raw.json');
  return {
    cli,
    ...(report ? { report } : {}),
    ...(raw ? { raw } : {}),
    ...(markdown !== undefined ? { markdown } : {}),
  };
}

/** A row of a report by its variant name (fails the test when it is missing). */
export function row(report: Report | undefined, name: string) {
  const found = report?.strategies.find((result) => result.strategy === name);
  if (!found) throw new Error(`no row ${name} in the report`);
  return found;
}
