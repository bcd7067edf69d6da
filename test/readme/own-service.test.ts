/**
 * The README's "Measure your own service" commands, extracted from README.md and run as written
 * in this checkout (built), one after another: the services it starts in the background, every
 * `looplab compare` and the `looplab diff`. The one change: ports 8000 and 8001 become free ports,
 * so the test never meets another process on them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../lab/src/model.js';
import { REPO_ROOT } from '../../lab/test/support/cli.js';

const SECTION = '## Measure your own service';
const PORTS = ['8000', '8001'];

/** The section's sh block: one command per entry, continuation lines joined, comments dropped. */
function sectionCommands(readme: string): string[] {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`"${SECTION}" has no sh block`);
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const shell = (command: string) =>
  spawn('bash', ['-c', command], { cwd: REPO_ROOT, env: process.env, detached: true });

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  return () => text;
}

async function answers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

describe('README: Measure your own service, as written', () => {
  const background: ChildProcess[] = [];
  const ran: Array<{ command: string; code: number | null; output: string }> = [];
  const runIds = ['readme-endpoints', 'readme-deploy', 'readme-config'];

  beforeAll(async () => {
    const ports = new Map<string, string>();
    for (const port of PORTS) ports.set(port, String(await freePort()));
    const withPorts = (command: string) =>
      command.replace(/\b(8000|8001)\b/g, (port) => ports.get(port) as string);
    for (const command of sectionCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))) {
      const line = withPorts(command);
      if (line.endsWith('&')) {
        const child = shell(line.slice(0, -1));
        output(child);
        background.push(child);
        const port = /PORT=(\d+)/.exec(line)?.[1];
        await answers(`http://127.0.0.1:${port}/health`, 30_000);
        continue;
      }
      const child = shell(line);
      const text = output(child);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      ran.push({ command: line, code, output: text() });
    }
  }, 600_000);

  afterAll(() => {
    for (const child of background)
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    for (const runId of runIds)
      rmSync(join(REPO_ROOT, 'reports', runId), { recursive: true, force: true });
  });

  it('every command exits 0', () => {
    expect(ran.length).toBe(4);
    for (const { command, code, output: text } of ran)
      expect(code, `${command}\n${text.slice(-3000)}`).toBe(0);
  });

  const report = (runId: string) =>
    JSON.parse(readFileSync(join(REPO_ROOT, 'reports', runId, 'report.json'), 'utf8')) as Report;
  // p95: a smoke run has 250 probes, and one unlucky scheduling slice on a shared box moves a p99.
  const p95 = (r: Report, name: string) =>
    r.strategies.find((result) => result.strategy === name)?.probe.p95 ?? Number.NaN;

  it('the endpoints, the deployments and the config file each show the blocked loop by the probe', () => {
    const endpoints = report('readme-endpoints');
    const deploy = report('readme-deploy');
    const config = report('readme-config');
    console.log(
      `GET /health p95: sync ${p95(endpoints, 'sync').toFixed(1)} / worker ${p95(endpoints, 'worker').toFixed(1)} ms; before ${p95(deploy, 'before').toFixed(1)} / after ${p95(deploy, 'after').toFixed(1)} ms; config sync ${p95(config, 'sync').toFixed(1)} / worker ${p95(config, 'worker').toFixed(1)} ms`,
    );
    expect(p95(endpoints, 'worker')).toBeLessThan(p95(endpoints, 'sync'));
    expect(p95(deploy, 'after')).toBeLessThan(p95(deploy, 'before'));
    expect(p95(config, 'worker')).toBeLessThan(p95(config, 'sync'));
    // prom-client's defaults under the service's prefix are recognised.
    expect(endpoints.strategies[0]?.resolution['eventLoop.lagMaxMs']?.source).toBe(
      'shop_nodejs_eventloop_lag_max_seconds',
    );
    expect(config.config.service?.variants[0]?.request?.headers).toEqual({
      'X-Requested-By': 'looplab',
    });
  });

  it('the diff compares the two runs variant by variant', () => {
    const diff = ran.at(-1)?.output ?? '';
    expect(diff).toContain('# looplab diff: readme-endpoints → readme-config');
    expect(diff).toContain('## sync');
    expect(diff).toContain('## worker');
    expect(diff).toContain('| probe GET /health p99 (ms) |');
  });
});
