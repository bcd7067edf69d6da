import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startApp } from './support/app-process.js';
import { pipelinedPosts, postJson } from './support/http.js';

describe('SIGTERM/SIGINT drain background work, then exit 0', () => {
  it('finishes queued and running tasks of both strategies before exiting', async () => {
    const app = await startApp({ LOOPLAB_POOL_SIZE: '1', LOG_LEVEL: 'debug' });
    const pooled = await Promise.all([
      postJson(`${app.url}/background/pooled`, { workload: 'sleep', ms: 400 }),
      postJson(`${app.url}/background/pooled`, { workload: 'cpu', ms: 200 }),
    ]);
    // Three blocking tasks accepted in one loop turn: SIGTERM lands while they run one by one.
    const blocking = await pipelinedPosts(
      app.port,
      '/background/blocking',
      [1, 2, 3].map(() => ({ workload: 'sleep', ms: 150 })),
    );
    expect([...pooled, ...blocking].map((response) => response.status)).toEqual([
      202, 202, 202, 202, 202,
    ]);

    const code = await app.stop('SIGTERM');
    expect(code).toBe(0);
    expect(
      app.logs.some(
        (line) =>
          line.msg === 'shutting down: no longer accepting connections' &&
          line.signal === 'SIGTERM',
      ),
    ).toBe(true);
    const drained = app.logs.find((line) => String(line.msg).startsWith('drain complete'));
    expect(drained, JSON.stringify(app.logs.slice(-5))).toMatchObject({
      abandoned: 0,
      timed_out: false,
    });
    expect(Number(drained?.pending_at_start)).toBeGreaterThanOrEqual(2);
    expect(drained?.finished).toBe(drained?.pending_at_start);
    // Every accepted task ran to completion: nothing was lost on the way out.
    expect(app.logs.filter((line) => line.msg === 'task done')).toHaveLength(5);
    await expect(fetch(`${app.url}/ping`)).rejects.toThrow();
  });

  it('gives up after the drain timeout, says how many were abandoned, and still exits 0', async () => {
    const app = await startApp({ LOOPLAB_POOL_SIZE: '1', LOOPLAB_DRAIN_TIMEOUT_MS: '300' });
    for (let i = 0; i < 3; i++) {
      expect(
        (await postJson(`${app.url}/background/pooled`, { workload: 'sleep', ms: 5000 })).status,
      ).toBe(202);
    }
    const started = Date.now();
    const code = await app.stop('SIGINT');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(4000);
    const drained = app.logs.find((line) => String(line.msg).startsWith('drain timed out'));
    expect(drained, JSON.stringify(app.logs.slice(-5))).toMatchObject({
      finished: 0,
      abandoned: 3,
      timed_out: true,
    });
  });

  it('refuses to start with a clear message when the configuration is invalid', async () => {
    await expect(startApp({ PORT: 'abc', LOOPLAB_POOL_SIZE: '0' })).rejects.toThrow(
      /Invalid configuration[\s\S]*PORT="abc"[\s\S]*LOOPLAB_POOL_SIZE="0"/,
    );
  });
});

describe('a shutdown grace period lets load balancers notice before the listener closes', () => {
  it('reports not-ready but keeps serving for LOOPLAB_SHUTDOWN_GRACE_MS, then drains and exits 0', async () => {
    const app = await startApp({ LOOPLAB_SHUTDOWN_GRACE_MS: '1500' });
    const exited = once(app.child, 'exit');
    app.child.kill('SIGTERM');
    await app.waitForLog(
      (line) => line.msg === 'shutting down: not ready, still serving during the grace period',
    );
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });
    expect((await fetch(`${app.url}/ping`)).status).toBe(200);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(app.logs.some((line) => String(line.msg).startsWith('drain complete'))).toBe(true);
  });
});
