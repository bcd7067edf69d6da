import { strategy } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { type ProbeStats, postJson, probe, sampleValue, scrape } from './support/http.js';

/** Long enough that a job stands out of a loaded box's own stalls (tens of ms here). */
const WORKLOAD_MS = 400;
const TRIGGER_EVERY_MS = 600;
const PROBE_FOR_MS = 3000;
const SLICE_MS = 5;
/** The lag window is shorter than a phase, so a reading at a phase's end covers that phase only. */
const LAG_WINDOW_S = 2;

type Strategy = 'inline' | 'chunked' | 'process';
const ROUTE = Object.fromEntries(
  (['inline', 'chunked', 'process'] as const).map((name) => [name, strategy(name).route]),
) as Record<Strategy, string>;

interface Phase {
  probe: ProbeStats;
  /** nodejs_eventloop_delay_window_max_seconds at the end of the phase, in ms. */
  lagMaxMs: number;
  /**
   * Event-loop utilization over the phase (active seconds / wall seconds). Unlike latency it
   * does not grow when the box is busy with others' work: an idle loop waiting is idle.
   */
  utilization: number;
}

async function loopState(
  app: AppProcess,
): Promise<{ lagMaxMs: number; activeS: number; at: number }> {
  const exposition = await scrape(app.url);
  return {
    lagMaxMs:
      (sampleValue(exposition, 'nodejs_eventloop_delay_window_max_seconds') ?? Number.NaN) * 1000,
    activeS:
      sampleValue(exposition, 'nodejs_eventloop_utilization_active_seconds_total') ?? Number.NaN,
    at: performance.now(),
  };
}

const contractStatus = (name: Strategy) => strategy(name).status;

/** Fires one task every TRIGGER_EVERY_MS while the probe runs, then reads the lag window. */

async function phase(app: AppProcess, name: Strategy | null): Promise<Phase> {
  let stop = false;
  const triggers = (async () => {
    while (!stop && name) {
      const response = await postJson(`${app.url}${ROUTE[name]}`, {
        workload: 'cpu',
        ms: WORKLOAD_MS,
      });
      expect(response.status).toBe(contractStatus(name));
      await new Promise((resolve) => setTimeout(resolve, TRIGGER_EVERY_MS));
    }
  })();
  try {
    const before = await loopState(app);
    const stats = await probe(app.url, PROBE_FOR_MS);
    const after = await loopState(app);
    return {
      probe: stats,
      lagMaxMs: after.lagMaxMs,
      utilization: (after.activeS - before.activeS) / ((after.at - before.at) / 1000),
    };
  } finally {
    stop = true;
    await triggers;
  }
}

/** Lets background work finish and the lag window forget it. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, WORKLOAD_MS * 3 + LAG_WINDOW_S * 1000));
}

/**
 * The new strategies, by direction, with margins for a noisy shared 2-core box: inline makes
 * everyone wait about a job, chunked bounds the loop's lag near one slice, and a child-process
 * pool keeps the probe near the baseline.
 */
describe('isolation of the inline, chunked and process strategies', () => {
  let app: AppProcess;
  const results: Record<string, Phase> = {};
  let slices = { count: 0, sumMs: 0 };
  let childRssBytes = 0;

  beforeAll(async () => {
    app = await startApp({
      LOOPLAB_POOL_SIZE: '1',
      LOOPLAB_CHUNK_MS: String(SLICE_MS),
      LOOPLAB_EVENT_LOOP_WINDOW_S: String(LAG_WINDOW_S),
    });
    // Warm up the JIT on every path and the connection pool.
    for (const route of Object.values(ROUTE)) {
      await postJson(`${app.url}${route}`, { workload: 'cpu', ms: 20 });
    }
    await probe(app.url, 1500);
    await settle();
    results.baseline = await phase(app, null);
    results.process = await phase(app, 'process');
    await settle();
    results.chunked = await phase(app, 'chunked');
    await settle();
    results.inline = await phase(app, 'inline');
    const exposition = await scrape(app.url);
    slices = {
      count:
        sampleValue(exposition, 'looplab_task_slice_seconds_count', { strategy: 'chunked' }) ?? 0,
      sumMs:
        (sampleValue(exposition, 'looplab_task_slice_seconds_sum', { strategy: 'chunked' }) ?? 0) *
        1000,
    };
    childRssBytes =
      sampleValue(exposition, 'looplab_pool_worker_resident_memory_bytes', {
        strategy: 'process',
      }) ?? 0;
    console.log(
      'probe latency and lag max (ms):',
      Object.entries(results)
        .map(
          ([name, { probe: stats, lagMaxMs: lag, utilization }]) =>
            `${name} p50=${stats.p50.toFixed(1)} p99=${stats.p99.toFixed(1)} max=${stats.max.toFixed(1)} lagMax=${lag.toFixed(1)} elu=${utilization.toFixed(2)} n=${stats.count}`,
        )
        .join(' | '),
      `| chunked slices=${slices.count} mean=${(slices.sumMs / Math.max(1, slices.count)).toFixed(2)} ms`,
      `| process child RSS=${(childRssBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  it('every probe got an answer', () => {
    for (const { probe: stats } of Object.values(results)) {
      expect(stats.errors).toBe(0);
      expect(stats.count).toBeGreaterThan(50);
    }
  });

  // Latency margins are absolute over the baseline measured in the same run, so that a box
  // that stalls everyone (others' jobs) moves both; "the loop is busy" is read from utilization.
  const baseline = () => results.baseline as Phase;

  it('inline raises the probe p99 to roughly the job length, like blocking', () => {
    expect(results.inline?.probe.p99).toBeGreaterThan(WORKLOAD_MS * 0.5);
    expect(results.inline?.probe.max).toBeGreaterThan(WORKLOAD_MS * 0.8);
    expect(results.inline?.lagMaxMs).toBeGreaterThan(WORKLOAD_MS * 0.8);
    expect(results.inline?.utilization).toBeGreaterThan(0.25);
  });

  it('chunked keeps the max event-loop lag near one slice, well below the job length', () => {
    expect(results.chunked?.lagMaxMs).toBeLessThan(baseline().lagMaxMs + WORKLOAD_MS * 0.5);
    expect(results.inline?.lagMaxMs).toBeGreaterThan(
      (results.chunked?.lagMaxMs ?? 0) + WORKLOAD_MS * 0.2,
    );
    // The loop does the work, but in slices: busy, yet other requests get through.
    expect(results.chunked?.utilization).toBeGreaterThan(0.25);
    expect(results.chunked?.probe.p99).toBeLessThan(baseline().probe.p99 + WORKLOAD_MS * 0.5);
  });

  it('chunked really slices: many slices, each about LOOPLAB_CHUNK_MS on average', () => {
    expect(slices.count).toBeGreaterThan(WORKLOAD_MS / SLICE_MS);
    expect(slices.sumMs / slices.count).toBeLessThan(SLICE_MS * 4);
  });

  it('process keeps the loop free and the probe near the baseline', () => {
    expect(results.process?.probe.p99).toBeLessThan(baseline().probe.p99 + WORKLOAD_MS * 0.25);
    // The probe itself keeps the loop somewhat busy: compare what each strategy adds to that.
    const added = (phase?: Phase) => (phase?.utilization ?? Number.NaN) - baseline().utilization;
    expect(added(results.process)).toBeLessThan(added(results.inline) / 2);
  });

  it('reports the memory the child processes cost', () => {
    expect(childRssBytes).toBeGreaterThan(10 * 2 ** 20);
  });
});
