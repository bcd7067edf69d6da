// Runs Debian's wrk (`npm run setup -- --for bench` installs it) against a real node:http server
// in a child process, and reads that server's main thread from /proc as the bench does. Nothing
// is skipped: without wrk these tests fail with the setup hint.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerClock, serverTimeBetween } from '../../src/bench/server-clock.js';
import { saturatingLoad } from '../../src/bench/wrk-load.js';
import { findTool } from '../../src/tools/index.js';

// /burn holds the loop ~200 µs per request (always work to do under a closed loop); /sleepy
// answers after a 2 ms timer (the server waits for its clock, not for CPU).
const SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/burn') {
    const until = process.hrtime.bigint() + 200_000n;
    while (process.hrtime.bigint() < until);
    res.end('burnt');
  } else if (req.url === '/sleepy') {
    setTimeout(() => res.end('slept'), 2);
  } else {
    res.statusCode = 404;
    res.end();
  }
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

describe('wrk, the saturating closed loop (real wrk)', () => {
  let server: ChildProcess;
  let base: string;
  let load: ReturnType<typeof saturatingLoad>;

  beforeAll(async () => {
    load = saturatingLoad({ wrk: findTool('wrk').path, connections: 10, timeoutS: 5, cpus: null });
    server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(server.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    base = `http://127.0.0.1:${chunk.toString().trim()}`;
  });

  afterAll(() => {
    server?.kill('SIGKILL');
  });

  async function measure(path: string) {
    const before = readServerClock(server.pid, null);
    const result = await load.run(`${base}${path}`, 2);
    const after = readServerClock(server.pid, null);
    if (before === null || after === null) throw new Error('no schedstat in /proc (Linux only)');
    return { result, time: serverTimeBetween(before, after, result.durationS) };
  }

  it('reports requests, latency percentiles and errors from its own summary', async () => {
    const { result } = await measure('/burn');
    expect(load.saturating).toBe(true);
    expect(load.describe).toBe('wrk closed loop (1 thread, 10 keep-alive connections)');
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(result.requests);
    expect(result.durationS).toBeGreaterThan(1.9);
    // At most one request in flight per connection, each holding the loop 200 µs.
    expect(result.reqPerS).toBeLessThan(5_000);
    expect(result.reqPerS).toBeGreaterThan(100);
    expect(result.p50Ms).toBeGreaterThan(0.2);
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
    expect(result.p99Ms).toBeLessThanOrEqual(result.maxMs);
    const missing = await load.run(`${base}/missing`, 1);
    expect(missing.ok).toBe(0);
    expect(missing.problems[0]).toMatch(/^\d+× status ≥ 400$/);
  });

  it('keeps a CPU-bound server busy, and shows a server that waits on a timer as idle', async () => {
    const burn = await measure('/burn');
    const sleepy = await measure('/sleepy');
    // CPU per request: ~200 µs for /burn, a few tens of µs for /sleepy.
    expect(burn.time.mainCpuS / burn.result.ok).toBeGreaterThan(150e-6);
    expect(sleepy.time.mainCpuS / sleepy.result.ok).toBeLessThan(
      burn.time.mainCpuS / burn.result.ok,
    );
    // Measured on the shared 2-core box: /burn 0.97–1.0, /sleepy ~0.1–0.2.
    expect(burn.time.busy).toBeGreaterThan(0.8);
    expect(sleepy.time.busy).toBeLessThan(0.6);
  });
});
