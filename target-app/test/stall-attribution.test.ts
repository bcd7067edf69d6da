import { spawnSync } from 'node:child_process';
import { strategy } from '@looplab/contract';
import type { StallRecord } from '@looplab/instrument';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT, type AppProcess, startApp } from './support/app-process.js';
import { getJson, postJson, probe, sampleValue, scrape, waitForTask } from './support/http.js';
import { startRedis, startWorker, stopQueueServices } from './support/queue-services.js';
import { appFrameTimes, describeStalls, readStalls } from './support/stalls.js';

/** Jobs long enough to stand out of a shared box's own hiccups, fired while /ping is probed. */
const JOB_MS = 200;
const JOBS = 5;
const JOB_EVERY_MS = 500;
/** The profiler's interval where the test compares clocks (LOOPLAB_PROFILE_INTERVAL_MS). */
const CLOCK_CHECK_INTERVAL_MS = 5;
/** The app's default stall threshold (LOOPLAB_STALL_THRESHOLD_MS). */
const THRESHOLD_MS = 50;

type Workload = 'cpu' | 'hash' | 'sleep';
const WORKLOAD_FUNCTION: Record<Workload, string> = {
  cpu: 'burnCpu',
  hash: 'hashFor',
  sleep: 'sleepFor',
};

/** Fires JOBS jobs of one strategy while probing /ping, waits for them, returns the new stalls. */
async function phase(app: AppProcess, name: string, workload: Workload): Promise<StallRecord[]> {
  const { next } = await readStalls(app.url);
  const { route, method } = strategy(name as Parameters<typeof strategy>[0]);
  const fire = async (): Promise<void> => {
    if (method === 'GET') {
      expect((await getJson(`${app.url}${route}?ms=${JOB_MS}`)).status).toBe(200);
      return;
    }
    const response = await postJson<{ id?: string }>(`${app.url}${route}`, {
      workload,
      ms: JOB_MS,
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    if (response.body.id) await waitForTask(app.url, response.body.id);
  };
  const jobs = (async () => {
    const fired: Array<Promise<void>> = [];
    for (let i = 0; i < JOBS; i++) {
      fired.push(fire());
      await new Promise((resolve) => setTimeout(resolve, JOB_EVERY_MS));
    }
    await Promise.all(fired);
  })();
  await Promise.all([jobs, probe(app.url, JOBS * JOB_EVERY_MS, 20)]);
  return (await readStalls(app.url, next)).stalls;
}

/**
 * A negative control: a shared box can take the CPU from the loop thread in the middle of
 * anything (a stall with little CPU time of its own); what the strategy itself runs must never
 * keep the loop thread running past the threshold.
 */
function expectLoopNeverRanPastThreshold(label: string, stalls: StallRecord[]): void {
  console.log(`${label}: ${describeStalls(stalls)}`);
  for (const s of stalls) {
    console.log(`  ${s.durationMs.toFixed(1)} ms, loop CPU ${s.cpuMs?.toFixed(1)} ms`);
  }
  expect(stalls.filter((s) => (s.cpuMs ?? s.durationMs) >= THRESHOLD_MS)).toEqual([]);
}

/** Runs each workload a few times on every path first, so JIT warm-up is not what stalls. */
async function warmUp(app: AppProcess): Promise<void> {
  for (const workload of ['cpu', 'hash', 'sleep'] as const) {
    for (let i = 0; i < 3; i++) {
      const accepted = await postJson<{ id: string }>(`${app.url}/background/blocking`, {
        workload,
        ms: 10,
      });
      await waitForTask(app.url, accepted.body.id);
      await postJson(`${app.url}/inline`, { workload, ms: 10 });
    }
  }
}

describe('stall attribution names the code that held the loop (real app, /ping probed)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startApp({ LOOPLAB_POOL_SIZE: '1' });
    await warmUp(app);
    // The first read folds the start-up (itself a stall); later reads are quick.
    await readStalls(app.url);
  });
  afterAll(async () => {
    await app.stop();
  });

  it.each([
    ['blocking', 'cpu'],
    ['blocking', 'hash'],
    ['inline', 'cpu'],
    ['inline', 'hash'],
  ] as const)(
    '%s %s: on_cpu, the workload function is the top frame, at least 80 percent of stalled time',
    async (name, workload) => {
      const stalls = await phase(app, name, workload);
      console.log(`${name} ${workload}: ${describeStalls(stalls)}`);
      expect(stalls.length).toBeGreaterThanOrEqual(JOBS);
      const jobStalls = stalls.filter((s) => s.durationMs >= JOB_MS * 0.9);
      expect(jobStalls.length).toBeGreaterThanOrEqual(JOBS);
      expect(jobStalls.every((s) => s.class === 'on_cpu')).toBe(true);
      const [top] = appFrameTimes(stalls);
      expect(top?.name).toMatch(
        new RegExp(`^${WORKLOAD_FUNCTION[workload]} \\(workloads/workloads\\.ts:\\d+\\)$`),
      );
      expect(top?.share).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('blocking sleep: off_cpu, naming the caller of the wait (sleepFor)', async () => {
    const stalls = await phase(app, 'blocking', 'sleep');
    console.log(`blocking sleep: ${describeStalls(stalls)}`);
    const jobStalls = stalls.filter((s) => s.durationMs >= JOB_MS * 0.9);
    expect(jobStalls.length).toBeGreaterThanOrEqual(JOBS);
    expect(jobStalls.every((s) => s.class === 'off_cpu' && (s.cpuMs ?? 0) < JOB_MS / 4)).toBe(true);
    const [top] = appFrameTimes(stalls);
    expect(top?.name).toMatch(/^sleepFor \(workloads\/workloads\.ts:\d+\)$/);
    expect(top?.share).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ['async', 'cpu'],
    ['pooled', 'cpu'],
    ['process', 'cpu'],
    ['chunked', 'cpu'],
  ] as const)(
    '%s %s: the loop thread never runs past the threshold without turning',
    async (name, workload) => {
      expectLoopNeverRanPastThreshold(`${name} ${workload}`, await phase(app, name, workload));
    },
  );

  it('counts stalls by class in /metrics, with the threshold', async () => {
    const exposition = await scrape(app.url);
    expect(
      sampleValue(exposition, 'looplab_eventloop_stalls_total', { class: 'on_cpu' }),
    ).toBeGreaterThanOrEqual(4 * JOBS);
    expect(
      sampleValue(exposition, 'looplab_eventloop_stalls_total', { class: 'off_cpu' }),
    ).toBeGreaterThanOrEqual(JOBS);
    expect(sampleValue(exposition, 'looplab_eventloop_stall_threshold_seconds')).toBe(
      THRESHOLD_MS / 1000,
    );
  });

  it('answers a bad cursor with a 400 naming it', async () => {
    const response = await getJson<{ issues: Array<{ field: string }> }>(
      `${app.url}/looplab/stalls?since=-1`,
    );
    expect(response.status).toBe(400);
    expect(response.body.issues[0]?.field).toBe('since');
  });
});

describe('the sample clock and the stall clock', () => {
  let app: AppProcess;
  beforeAll(async () => {
    // Sampled every 5 ms, so a disagreement of a few ms would show (each sample's time is known
    // to within half an interval: 10 ms at the default 20 ms).
    app = await startApp({ LOOPLAB_PROFILE_INTERVAL_MS: String(CLOCK_CHECK_INTERVAL_MS) });
    await warmUp(app);
    await readStalls(app.url);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('an injected 300 ms block: the stall window and the samples naming it overlap by ≥ 90 %', async () => {
    const { next } = await readStalls(app.url);
    const accepted = await postJson<{ id: string }>(`${app.url}/background/blocking`, {
      workload: 'cpu',
      ms: 300,
    });
    const task = await waitForTask(app.url, accepted.body.id);
    const ranFrom = Date.parse(task.started_at ?? '');
    const ranTo = Date.parse(task.finished_at ?? '');
    const stall = (await readStalls(app.url, next)).stalls.find((s) => s.durationMs > 250);
    expect(stall, 'a stall for the 300 ms block').toBeDefined();
    if (!stall) return;
    // The stall clock against the task's own clock (ms resolution on both sides).
    const overlapMs = Math.min(stall.endMs, ranTo) - Math.max(stall.startMs, ranFrom);
    const unionMs = Math.max(stall.endMs, ranTo) - Math.min(stall.startMs, ranFrom);
    // The sample clock against the stall clock: samples naming burnCpu cover the block.
    const burnMs = appFrameTimes([stall]).find((f) => f.name.startsWith('burnCpu'))?.ms ?? 0;
    console.log(
      `300 ms block: stall ${stall.durationMs.toFixed(1)} ms, task ran ${ranTo - ranFrom} ms, overlap ${overlapMs.toFixed(1)} of ${unionMs.toFixed(1)} ms; burnCpu samples ${burnMs.toFixed(1)} ms (${stall.samples} samples)`,
    );
    expect(overlapMs / unionMs).toBeGreaterThanOrEqual(0.9);
    expect(burnMs / (ranTo - ranFrom)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('queue (real Redis and worker): the loop only enqueues', () => {
  let app: AppProcess;
  beforeAll(async () => {
    const redis = await startRedis();
    await startWorker(redis.url);
    app = await startApp({ REDIS_URL: redis.url });
    await warmUp(app);
    await readStalls(app.url);
  });
  afterAll(async () => {
    await app?.stop();
    await stopQueueServices();
  });

  it('queue cpu: the loop thread never runs past the threshold without turning', async () => {
    expectLoopNeverRanPastThreshold('queue cpu', await phase(app, 'queue', 'cpu'));
  });
});

describe('chunked with slices longer than the threshold', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ LOOPLAB_CHUNK_MS: '120', LOOPLAB_STALL_THRESHOLD_MS: '50' });
    await readStalls(app.url);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('records each slice, naming the slice function', async () => {
    const { next } = await readStalls(app.url);
    // Ten slices: each stall's edges are known to within half a sampling interval, so the
    // share is a mean over enough stalls to hold the bar.
    const accepted = await postJson<{ id: string }>(`${app.url}/background/chunked`, {
      workload: 'cpu',
      ms: 1200,
    });
    await waitForTask(app.url, accepted.body.id);
    const { stalls } = await readStalls(app.url, next);
    console.log(`chunked 120 ms slices, threshold 50 ms: ${describeStalls(stalls)}`);
    expect(stalls.filter((s) => s.durationMs >= 100).length).toBeGreaterThanOrEqual(8);
    const [top] = appFrameTimes(stalls);
    expect(top?.name).toMatch(/^burnCpu \(workloads\/workloads\.ts:\d+\)$/);
    expect(top?.share).toBeGreaterThanOrEqual(0.8);
  });
});

describe('LOOPLAB_ATTRIBUTION=off', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp({ LOOPLAB_ATTRIBUTION: 'off' });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('still counts stalls and answers, with attribution false and no stacks', async () => {
    const before = await readStalls(app.url);
    const accepted = await postJson<{ id: string }>(`${app.url}/background/blocking`, {
      workload: 'cpu',
      ms: 150,
    });
    await waitForTask(app.url, accepted.body.id);
    const after = await readStalls(app.url, before.next);
    expect(after.attribution).toBe(false);
    const stall = after.stalls.find((s) => s.durationMs > 120);
    expect(stall).toMatchObject({ class: 'on_cpu', samples: 0, stacks: [] });
    const exposition = await scrape(app.url);
    expect(
      sampleValue(exposition, 'looplab_eventloop_stalls_total', { class: 'on_cpu' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('a stall threshold out of range', () => {
  it.each(['0', '60001', 'fifty'])(
    'LOOPLAB_STALL_THRESHOLD_MS=%s: exit 78 naming the variable and the range',
    (value) => {
      const result = spawnSync(process.execPath, ['dist/main.js'], {
        cwd: APP_ROOT,
        env: { PATH: process.env.PATH, LOOPLAB_STALL_THRESHOLD_MS: value },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(`LOOPLAB_STALL_THRESHOLD_MS=${JSON.stringify(value)}`);
      if (value !== 'fifty') expect(result.stderr).toContain('from 1 to 60000');
    },
  );
});
