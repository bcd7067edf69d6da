// The compose stack test's plumbing: its own project name and free host ports (so a stack the
// user has up is left alone), commands run the way a user runs them, and Prometheus queries.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type CommandResult, REPO_ROOT, run } from '../../scripts/docker.ts';
import { parseDotEnv } from '../helpers/compose-env.js';

export const PROJECT = 'looplab-stacktest';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The test's environment: its project name and a free port for every *_PORT variable of .env. */
export async function stackEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = { COMPOSE_PROJECT_NAME: PROJECT };
  for (const { name } of parseDotEnv(readFileSync(join(REPO_ROOT, '.env'), 'utf8'))) {
    if (name.endsWith('_PORT')) env[name] = String(await freePort());
  }
  return env;
}

/** A shell command line run from the repository root, as a user types it. */
export function shell(
  line: string,
  env: Record<string, string>,
  timeoutMs = 900_000,
): Promise<CommandResult> {
  return run('bash', ['-c', line], { env: { ...process.env, ...env }, timeoutMs });
}

export const output = (r: CommandResult) => `${r.stdout}\n${r.stderr}`;

/** The README's load command (a `docker compose --profile load run ... loadgen compare ...` line and its continuations). */
export function readmeLoadCommand(): string {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('docker compose --profile load run'));
  if (start < 0) throw new Error('README.md has no `docker compose --profile load run ...` line');
  const parts: string[] = [];
  for (let i = start; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').replace(/\s+#.*$/, '');
    parts.push(line.replace(/\\$/, '').trim());
    if (!line.trimEnd().endsWith('\\')) break;
  }
  return parts.join(' ');
}

/** GET a Prometheus API path; its `data`, or an error with what Prometheus said. */
export async function prom<T>(
  base: string,
  path: string,
  params: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success')
    throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query's samples. */
export const instant = (base: string, query: string) =>
  prom<{ result: VectorSample[] }>(base, '/api/v1/query', { query }).then((d) => d.result);

/** Sum of an instant query's values (0 when it has none). */
export async function total(base: string, query: string): Promise<number> {
  return (await instant(base, query)).reduce((sum, s) => sum + Number(s.value[1]), 0);
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`,
  );
}
