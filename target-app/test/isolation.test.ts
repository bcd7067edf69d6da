import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { type ProbeStats, postJson, probe } from './support/http.js';

const WORKLOAD_MS = 200;
const TRIGGER_EVERY_MS = 500;
const PROBE_FOR_MS = 3000;

/** Fires one background task every TRIGGER_EVERY_MS while the probe runs. */
async function withTriggers(
  app: AppProcess,
  strategy: 'blocking' | 'pooled' | null,
  run: () => Promise<ProbeStats>,
) {
  let stop = false;
  const triggers = (async () => {
    while (!stop && strategy) {
      const accepted = await postJson(`${app.url}/background/${strategy}`, {
        workload: 'cpu',
        ms: WORKLOAD_MS,
      });
      expect(accepted.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, TRIGGER_EVERY_MS));
    }
  })();
  try {
    return await run();
  } finally {
    stop = true;
    await triggers;
  }
}

/**
 * The lab's headline, asserted by direction with margins for a noisy 2-core box:
 * blocking background work makes *other* requests wait about as long as the work;
 * the same work on a worker thread does not.
 */
describe('isolation: what background work does to other requests', () => {
  let app: AppProcess;
  const results: Record<string, ProbeStats> = {};

  beforeAll(async () => {
    app = await startApp({ LOOPLAB_POOL_SIZE: '1' });
    await probe(app.url, 1500); // warm up the JIT and the connection pool
    results.baseline = await withTriggers(app, null, () => probe(app.url, PROBE_FOR_MS));
    results.blocking = await withTriggers(app, 'blocking', () => probe(app.url, PROBE_FOR_MS));
    await new Promise((resolve) => setTimeout(resolve, WORKLOAD_MS * 2));
    results.pooled = await withTriggers(app, 'pooled', () => probe(app.url, PROBE_FOR_MS));
    console.log(
      'probe latency (ms):',
      Object.entries(results)
        .map(
          ([name, stats]) =>
            `${name} p50=${stats.p50.toFixed(1)} p99=${stats.p99.toFixed(1)} max=${stats.max.toFixed(1)} n=${stats.count}`,
        )
        .join(' | '),
    );
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('every probe got an answer', () => {
    for (const stats of Object.values(results)) {
      expect(stats.errors).toBe(0);
      expect(stats.count).toBeGreaterThan(50);
    }
  });

  it('with blocking tasks running, the probe p99 rises to roughly the workload length', () => {
    expect(results.blocking?.p99).toBeGreaterThan(WORKLOAD_MS * 0.5);
    expect(results.blocking?.max).toBeGreaterThan(WORKLOAD_MS * 0.8);
    expect(results.blocking?.p99).toBeGreaterThan((results.baseline?.p99 ?? 0) * 3);
  });

  // Absolute margins over the same run's baseline, not ratios: on a box shared with other
  // jobs a stall moves every phase's p99 by tens of milliseconds.
  it('with pooled tasks running, the probe stays near baseline', () => {
    expect(results.pooled?.p99).toBeLessThan((results.baseline?.p99 ?? 0) + WORKLOAD_MS * 0.4);
    expect(results.blocking?.p99).toBeGreaterThan((results.pooled?.p99 ?? 0) + WORKLOAD_MS * 0.5);
  });
});
