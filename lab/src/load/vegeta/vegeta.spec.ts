// vegeta's output parsing and the runner's safety checks; no vegeta needed (the attacks with the
// real binary are lab/test/tools/vegeta-attack.test.ts).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertLoopbackUrl } from '../loopback.js';
import { runAttack } from './attack.js';
import { findVegeta } from './binary.js';
import { expectedRequests, parseGoTime, resultToRecord } from './results.js';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

describe('vegeta result parsing', () => {
  it('parses Go RFC 3339 nanosecond timestamps with sub-ms precision', () => {
    const base = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(parseGoTime('2026-01-02T03:04:05.123456789Z')).toBeCloseTo(base + 123.456789, 5);
    expect(parseGoTime('2026-01-02T05:04:05.5+02:00')).toBeCloseTo(base + 500, 5);
    expect(parseGoTime('2026-01-02T03:04:05Z')).toBe(base);
    expect(parseGoTime('yesterday')).toBeNaN();
  });

  it('turns a `vegeta encode --to json` line into a RequestRecord', () => {
    const phaseStart = Date.UTC(2026, 0, 2, 3, 4, 5);
    const ok = resultToRecord(
      '{"attack":"","seq":0,"code":200,"timestamp":"2026-01-02T03:04:05.250000000Z","latency":1500000,"bytes_out":0,"bytes_in":0,"error":"","body":null,"method":"GET","url":"http://127.0.0.1:1/ping","headers":{}}',
      'probe',
      phaseStart,
    );
    expect(ok).toEqual({ role: 'probe', t: 250, latencyMs: 1.5, status: 200 });
    const failed = resultToRecord(
      '{"attack":"","seq":1,"code":0,"timestamp":"2026-01-02T03:04:06Z","latency":2000000000,"error":"Get \\"http://127.0.0.1:1/ping\\": context deadline exceeded","body":null,"headers":null}',
      'trigger',
      phaseStart,
    );
    expect(failed).toEqual({
      role: 'trigger',
      t: 1000,
      latencyMs: 2000,
      status: 0,
      error: 'Get "http://127.0.0.1:1/ping": context deadline exceeded',
    });
  });

  it('knows how many requests a full-speed attack sends', () => {
    expect(expectedRequests(50, 2)).toBe(100);
    expect(expectedRequests(3, 2.5)).toBe(8);
    expect(expectedRequests(7, 1.3)).toBe(10);
  });
});

describe('safety: loopback targets only', () => {
  it('accepts 127.0.0.1, localhost and [::1]', () => {
    expect(assertLoopbackUrl('http://127.0.0.1:3000/ping')).toBe('http://127.0.0.1:3000/ping');
    expect(assertLoopbackUrl('http://localhost:3000/ping')).toBe('http://localhost:3000/ping');
    expect(assertLoopbackUrl('http://[::1]:3000/ping')).toBe('http://[::1]:3000/ping');
  });

  it('refuses any other host before starting anything', () => {
    const options = {
      vegeta: '/nonexistent/vegeta',
      role: 'probe' as const,
      ratePerS: 1,
      durationS: 1,
      timeoutS: 1,
      phaseStart: Date.now(),
    };
    for (const url of [
      'http://192.168.1.10:3000/ping',
      'http://example.com/ping',
      'http://127.0.0.2:3000/ping',
      'http://localhost.example.com/ping',
      'http://0.0.0.0:3000/ping',
    ]) {
      expect(() => runAttack({ ...options, url })).toThrow(/refusing to send load/);
    }
    expect(() => runAttack({ ...options, url: 'file:///etc/passwd' })).toThrow(/http/);
    expect(() => runAttack({ ...options, url: 'not a url' })).toThrow(/invalid target URL/);
  });
});

describe('findVegeta', () => {
  it('fails with the setup hint when vegeta is nowhere', async () => {
    // A checkout with the contract's pins but no .tools/bin, and nothing on PATH.
    const repo = mkdtempSync(join(tmpdir(), 'looplab-no-vegeta-'));
    mkdirSync(join(repo, 'contract', 'data'), { recursive: true });
    copyFileSync(
      join(REPO_ROOT, 'contract', 'data', 'versions.json'),
      join(repo, 'contract', 'data', 'versions.json'),
    );
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      await expect(findVegeta(repo)).rejects.toThrow(/npm run setup/);
    } finally {
      process.env.PATH = path;
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
