// Runs the real vegeta (install it with `npm run setup`) against a tiny node:http server on
// 127.0.0.1. Nothing is skipped: without vegeta these tests fail with the setup hint.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VERSIONS } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAttack } from '../../src/load/vegeta/attack.js';
import { findVegeta } from '../../src/load/vegeta/binary.js';
import { expectedRequests } from '../../src/load/vegeta/results.js';
import type { RequestRecord } from '../../src/model.js';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const isGone = (pid: number | undefined): boolean => {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('runAttack against a local server (real vegeta)', () => {
  let vegeta: string;
  let server: Server;
  let base: string;
  const posts: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const expectedBody = { kind: 'cpu', ms: 5, note: 'ünïcödé "quoted" \\ and\nnewline' };

  beforeAll(async () => {
    // Throws "vegeta not found … run `npm run setup` …" when it is not installed: every test
    // below then fails with that message.
    const found = await findVegeta(REPO_ROOT);
    expect(found.version).toBe(VERSIONS.vegeta.version);
    vegeta = found.path;
    server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/ping') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      } else if (req.method === 'POST' && req.url === '/jobs') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          posts.push({ headers: req.headers, body });
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = undefined;
          }
          const ok =
            req.headers['content-type'] === 'application/json' &&
            JSON.stringify(parsed) === JSON.stringify(expectedBody);
          res.writeHead(ok ? 202 : 400).end();
        });
      } else if (req.url === '/stall') {
        // Never answers: stands for a server whose event loop is blocked.
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 30_000);

  afterAll(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('GET at 50/s for 2 s: ~100 records, all 200, streamed live', async () => {
    const phaseStart = Date.now();
    const attack = runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/ping`,
      ratePerS: 50,
      durationS: 2,
      timeoutS: 5,
      phaseStart,
    });
    const live: RequestRecord[] = [];
    attack.onRecord((r) => live.push(r));
    const seenAfter1s = await new Promise<number>((r) =>
      setTimeout(() => r(attack.records.length), 1_200),
    );
    const records = await attack.done;

    expect(seenAfter1s).toBeGreaterThan(20); // parsed while the attack was still running
    expect(records).toBe(attack.records);
    expect(live).toEqual(records);
    expect(records.length).toBeGreaterThanOrEqual(95);
    expect(records.length).toBeLessThanOrEqual(expectedRequests(50, 2));
    for (const r of records) {
      expect(r.role).toBe('probe');
      expect(r.status).toBe(200);
      expect(r.error).toBeUndefined();
      expect(r.t).toBeGreaterThanOrEqual(0);
      expect(r.t).toBeLessThanOrEqual(2_500);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.latencyMs).toBeLessThan(1_000);
    }
  }, 15_000);

  it('POST with a JSON body: body and headers arrive intact, 202', async () => {
    posts.length = 0;
    const attack = runAttack({
      vegeta,
      role: 'trigger',
      url: `${base}/jobs`,
      body: expectedBody,
      headers: { 'X-Looplab-Strategy': 'pooled' },
      ratePerS: 10,
      durationS: 1,
      timeoutS: 5,
      phaseStart: Date.now(),
    });
    const records = await attack.done;
    expect(records.length).toBe(expectedRequests(10, 1));
    expect(records.every((r) => r.status === 202 && r.role === 'trigger')).toBe(true);
    expect(posts.length).toBe(records.length);
    for (const p of posts) {
      expect(JSON.parse(p.body)).toEqual(expectedBody);
      expect(p.headers['content-type']).toBe('application/json');
      expect(p.headers['x-looplab-strategy']).toBe('pooled');
      expect(Number(p.headers['content-length'])).toBe(
        Buffer.byteLength(JSON.stringify(expectedBody)),
      );
    }
  }, 15_000);

  it('passes a target file through: its @body read next to it, its headers and -header ones', async () => {
    posts.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'looplab-target-file-'));
    try {
      writeFileSync(join(dir, 'job.json'), JSON.stringify(expectedBody));
      const path = join(dir, 'jobs.http');
      writeFileSync(
        path,
        `# a vegeta target file\nPOST ${base}/jobs\nContent-Type: application/json\n@job.json\n`,
      );
      const records = await runAttack({
        vegeta,
        role: 'trigger',
        targetFile: { path, format: 'http' },
        headers: { 'X-Looplab-Variant': 'file' },
        ratePerS: 10,
        durationS: 1,
        timeoutS: 5,
        phaseStart: Date.now(),
      }).done;
      expect(records.length).toBe(expectedRequests(10, 1));
      expect(records.every((r) => r.status === 202)).toBe(true);
      expect(posts.length).toBe(records.length);
      for (const p of posts) {
        expect(JSON.parse(p.body)).toEqual(expectedBody);
        expect(p.headers['x-looplab-variant']).toBe('file');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);

  it('records non-2xx answers with their status and error text', async () => {
    const records = await runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/missing`,
      ratePerS: 10,
      durationS: 0.5,
      timeoutS: 5,
      phaseStart: Date.now(),
    }).done;
    expect(records.length).toBe(5);
    for (const r of records) {
      expect(r.status).toBe(404);
      expect(r.error).toBe('404 Not Found');
    }
  }, 15_000);

  it('pins both processes with taskset when cpuList is given', async () => {
    const cpu = String(cpus().length - 1);
    const attack = runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/ping`,
      ratePerS: 20,
      durationS: 1,
      timeoutS: 5,
      phaseStart: Date.now(),
      cpuList: cpu,
    });
    expect(attack.command.slice(0, 3)).toEqual(['taskset', '-c', cpu]);
    const allowed = await new Promise<string[]>((done) => {
      const off = attack.onRecord(() => {
        off();
        const read = (pid: number | undefined) =>
          /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
        done([read(attack.pids.attack), read(attack.pids.encode)]);
      });
    });
    expect(allowed).toEqual([cpu, cpu]);
    expect((await attack.done).length).toBe(20);
  }, 15_000);

  it('stop() ends a running attack early and keeps what arrived', async () => {
    const attack = runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/ping`,
      ratePerS: 50,
      durationS: 30,
      timeoutS: 5,
      phaseStart: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 600));
    const started = Date.now();
    await attack.stop();
    expect(Date.now() - started).toBeLessThan(1_000); // graceful: SIGTERM was enough
    const records = await attack.done;
    expect(records.length).toBeGreaterThan(10);
    expect(records.length).toBeLessThan(100);
    expect(records.every((r) => r.status === 200)).toBe(true);
    expect(isGone(attack.pids.attack)).toBe(true);
    expect(isGone(attack.pids.encode)).toBe(true);
  }, 15_000);

  it('stop() kills vegeta within ~2 s even when requests hang, leaving no process', async () => {
    const attack = runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/stall`,
      ratePerS: 20,
      durationS: 30,
      timeoutS: 30,
      phaseStart: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(isGone(attack.pids.attack)).toBe(false);
    expect(isGone(attack.pids.encode)).toBe(false);
    const started = Date.now();
    await attack.stop();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_500); // in-flight requests kept it past SIGTERM …
    expect(took).toBeLessThan(4_000); // … until SIGKILL after 2 s
    await expect(attack.done).resolves.toBeInstanceOf(Array);
    expect(isGone(attack.pids.attack)).toBe(true);
    expect(isGone(attack.pids.encode)).toBe(true);
  }, 15_000);

  it('rejects done with vegeta’s stderr when vegeta fails', async () => {
    const attack = runAttack({
      vegeta,
      role: 'probe',
      url: `${base}/ping`,
      ratePerS: 10,
      durationS: 1,
      timeoutS: 5,
      phaseStart: Date.now(),
      // Pin to a CPU that does not exist: taskset fails before vegeta starts.
      cpuList: '4095',
    });
    await expect(attack.done).rejects.toThrow(/vegeta attack exited with code 1:\n.*affinity/);
  }, 15_000);
});
