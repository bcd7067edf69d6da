import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StallsDocument } from '../src/index.js';

const PACKAGE_DIR = join(__dirname, '..');

/** A service that knows nothing of looplab but this package: plain node:http, ESM. */
const SERVICE = `import { createServer } from 'node:http';
import { instrument } from '@looplab/instrument';

const looplab = instrument({ serveMetrics: true });

function burnCpu(ms) {
  const end = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) x ^= x << 13;
  return x;
}

const server = createServer((req, res) => {
  if (looplab.handle(req, res)) return;
  if (req.url === '/work') {
    res.end('accepted');
    // Synchronous work after responding: the trap this package is there to name.
    setImmediate(() => burnCpu(150));
    return;
  }
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

/**
 * An Express service with its own prom-client registry and its own /metrics (CommonJS): the
 * instrument registers on that registry and is one middleware; every other route is Express's.
 */
const EXPRESS_SERVICE = `const express = require('express');
const { Registry, collectDefaultMetrics } = require('prom-client');
const { instrument } = require('@looplab/instrument');

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'shop_' });
const looplab = instrument({ registry });

function buildReport(ms) {
  const end = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) x ^= x << 7;
  return x;
}

const app = express();
app.use((req, res, next) => looplab.handle(req, res, next));
app.get('/metrics', async (_req, res) => {
  res.type(registry.contentType).send(await registry.metrics());
});
app.post('/report', (_req, res) => {
  res.status(202).json({ accepted: true });
  setImmediate(() => buildReport(120));
});
app.get('/health', (_req, res) => res.json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('@looplab/instrument installed from its npm pack tarball into a project outside the repo', () => {
  const project = mkdtempSync(join(tmpdir(), 'looplab-instrument-user-'));
  let tarballFiles: string[] = [];
  let service: ChildProcess;
  let url = '';
  let expressService: ChildProcess;
  let expressUrl = '';

  beforeAll(async () => {
    const packed = JSON.parse(
      npm(['pack', '--json', '--pack-destination', project], PACKAGE_DIR),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = packed[0]?.filename ?? '';
    tarballFiles = packed[0]?.files.map((file) => file.path) ?? [];
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'plain-service', private: true, type: 'module' }),
    );
    npm(
      ['install', '--no-audit', '--no-fund', `./${tarball}`, 'prom-client@^15', 'express@^5'],
      project,
    );
    writeFileSync(join(project, 'service.mjs'), SERVICE);
    writeFileSync(join(project, 'express-service.cjs'), EXPRESS_SERVICE);
    [service, url] = await start('service.mjs');
    [expressService, expressUrl] = await start('express-service.cjs');
  }, 240_000);

  /** A service file of the project, started; its URL once it prints its port. */
  async function start(file: string): Promise<[ChildProcess, string]> {
    const child = spawn(process.execPath, [file], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout?.setEncoding('utf8') ?? child, 'data')) as [string];
    return [child, `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`];
  }

  afterAll(() => {
    service?.kill();
    expressService?.kill();
    rmSync(project, { recursive: true, force: true });
  });

  it('ships the compiled package and its README, not the sources or tests', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(
      tarballFiles.filter((file) => file.startsWith('src/') || file.includes('.spec.')),
    ).toEqual([]);
    expect(readdirSync(join(project, 'node_modules', '@looplab', 'instrument', 'dist'))).toContain(
      'instrument.js',
    );
  });

  it('names the function that held the loop, and exports the stall metrics', async () => {
    const { next } = (await (await fetch(`${url}/looplab/stalls`)).json()) as StallsDocument;
    // The first read collects the profile and loads source maps on the loop (about 60 ms here,
    // more on a busy box): let the loop turn before the block, so the stall is the block alone.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await (await fetch(`${url}/work`)).text()).toBe('accepted');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const document = (await (
      await fetch(`${url}/looplab/stalls?since=${next}`)
    ).json()) as StallsDocument;
    expect(document).toMatchObject({ schemaVersion: 1, runtime: 'node', attribution: true });
    const stall = document.stalls.find((s) => s.durationMs >= 140);
    expect(stall?.class).toBe('on_cpu');
    const burnMs = (stall?.stacks ?? [])
      .filter((stack) => stack.frames.some((f) => f.function === 'burnCpu'))
      .reduce((sum, stack) => sum + stack.weightMs, 0);
    const stacks = (stall?.stacks ?? [])
      .slice(0, 5)
      .map((stack) => `${stack.weightMs} ms ${stack.frames.map((f) => f.function).join(' < ')}`);
    expect(
      burnMs / (stall?.durationMs ?? 1),
      `stall of ${stall?.durationMs} ms: ${stacks.join('; ')}`,
    ).toBeGreaterThanOrEqual(0.8);
    const frame = stall?.stacks[0]?.frames.find((f) => f.function === 'burnCpu');
    expect(frame).toMatchObject({ file: join(project, 'service.mjs'), line: 6 });

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^looplab_eventloop_stalls_total\{class="on_cpu"\} [1-9]/m);
    expect(metrics).toMatch(/^nodejs_eventloop_delay_window_max_seconds 0\.1[4-9]/m);
  });

  it("is one Express middleware and registers on the service's own registry, next to its metrics", async () => {
    // Every route but the instrument's reaches Express.
    expect(await (await fetch(`${expressUrl}/health`)).json()).toEqual({ ok: true });
    const { next } = (await (await fetch(`${expressUrl}/looplab/stalls`)).json()) as StallsDocument;
    expect((await fetch(`${expressUrl}/report`, { method: 'POST' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const document = (await (
      await fetch(`${expressUrl}/looplab/stalls?since=${next}`)
    ).json()) as StallsDocument;
    const stall = document.stalls.find((s) => s.durationMs >= 110);
    expect(stall?.class).toBe('on_cpu');
    expect(
      stall?.stacks.some((stack) => stack.frames.some((f) => f.function === 'buildReport')),
    ).toBe(true);
    const metrics = await (await fetch(`${expressUrl}/metrics`)).text();
    expect(metrics).toMatch(/^shop_nodejs_eventloop_lag_max_seconds /m);
    const windowMax = Number(
      /^nodejs_eventloop_delay_window_max_seconds (\S+)/m.exec(metrics)?.[1],
    );
    expect(windowMax).toBeGreaterThanOrEqual(0.11);
    expect(metrics).toMatch(/^looplab_eventloop_stalls_total\{class="on_cpu"\} [1-9]/m);
  });
});
