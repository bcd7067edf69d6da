import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSample } from '../model.js';
import { MetricsSampler, toMetricsSample } from './metrics-sampler.js';

/** A real /metrics scrape of the target app (see the header of the file), trimmed. */
const FIXTURE = readFileSync(
  join(__dirname, '..', 'metrics', '__fixtures__', 'metrics.txt'),
  'utf8',
);

const INF = Number.POSITIVE_INFINITY;
/** The bucket bounds of the app's task and HTTP histograms. */
const TASK_BOUNDS = [
  0.0005,
  0.001,
  0.002,
  0.003,
  0.004,
  0.005,
  0.0075,
  0.01,
  0.015,
  0.02,
  0.03,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.5,
  0.75,
  1,
  1.5,
  2,
  3,
  5,
  7.5,
  10,
  INF,
];
/** The event-loop delay histogram has two finer buckets in front. */
const LAG_BOUNDS = [0.0001, 0.00025, ...TASK_BOUNDS];

/** Cumulative counts listed up to where they stop changing; the rest repeat the last one. */
function buckets(bounds: number[], counts: number[]): Array<[number, number]> {
  const last = counts.at(-1) ?? 0;
  return bounds.map((le, i) => [le, counts[i] ?? last]);
}

describe('toMetricsSample (real exposition)', () => {
  // Hand-read from metrics/__fixtures__/metrics.txt.
  const lagBuckets = buckets(
    LAG_BOUNDS,
    [698, 710, 720, 724, 738, 747, 752, 752, 755, 755, 756, 756, 760, 764, 765],
  );

  // The fixture's HTTP histogram has the same bounds as its task histograms.
  const PING_BUCKETS = TASK_BOUNDS.map((bound): [number, number] => [
    bound,
    bound < 0.001 ? 0 : bound < 0.003 ? 4 : bound < 0.075 ? 5 : 6,
  ]);

  it('picks the blocking strategy, summing its task histograms over workloads', () => {
    const sample = toMetricsSample(FIXTURE, 'blocking', 1234);
    expect(sample).toEqual({
      t: 1234,
      appMemoryBytes: 261373952,
      lagWindowMaxMs: expect.closeTo(62.305471, 9),
      // This app predates nodejs_eventloop_delay_window_seconds: its readings count as instant.
      lagWindowS: 0,
      lagBuckets,
      eluActiveSeconds: 0.35944271499996466,
      // done: cpu 2 + sleep 1; failed: cpu 1 (fault=throw)
      tasksDone: 3,
      tasksFailed: 1,
      tasksRejected: 0,
      queueDepth: 0,
      inFlight: 0,
      // wait: cpu (1, 2, 2, 3, …) + sleep (0, 1, 1, 1, …)
      waitBuckets: buckets(TASK_BOUNDS, [1, 3, 3, 4]),
      // run: cpu (1 × 10 buckets, then 2, 3) + sleep (0 × 11 buckets, then 1 from 0.05)
      runBuckets: buckets(TASK_BOUNDS, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4]),
      // GET /ping server side: 4 under 1 ms, 1 under 3 ms, 1 under 75 ms (6 in all).
      pingServerBuckets: PING_BUCKETS,
    });
  });

  it('picks the pooled strategy: rejections, queue depth and in-flight gauges', () => {
    const sample = toMetricsSample(FIXTURE, 'pooled', 0);
    expect(sample.tasksDone).toBe(1);
    expect(sample.tasksFailed).toBe(1);
    expect(sample.tasksRejected).toBe(2);
    expect(sample.queueDepth).toBe(2);
    expect(sample.inFlight).toBe(1);
    // wait: hash (0, 0, 1, …) + cpu (1, 1, 1, …)
    expect(sample.waitBuckets).toEqual(buckets(TASK_BOUNDS, [1, 1, 2]));
    // run: hash (0, 1, …) + cpu (0, 1, …)
    expect(sample.runBuckets).toEqual(buckets(TASK_BOUNDS, [0, 2]));
    // The event loop is one per process: the same for every strategy.
    expect(sample.lagBuckets).toEqual(lagBuckets);
    expect(sample.eluActiveSeconds).toBe(0.35944271499996466);
  });

  it('gives zeros and empty histograms for a strategy the app has no series for', () => {
    const sample = toMetricsSample(FIXTURE, 'async', 5);
    expect(sample).toMatchObject({
      t: 5,
      tasksDone: 0,
      tasksFailed: 0,
      tasksRejected: 0,
      queueDepth: 0,
      inFlight: 0,
      waitBuckets: [],
      runBuckets: [],
    });
    expect(sample.lagWindowMaxMs).toBeCloseTo(62.305471, 9);
  });

  it('reads the plain Prometheus text format the same way', () => {
    const plain = [
      '# TYPE nodejs_eventloop_delay_window_max_seconds gauge',
      'nodejs_eventloop_delay_window_max_seconds 0.25',
      'nodejs_eventloop_delay_window_seconds 2',
      '',
      'nodejs_eventloop_delay_seconds_bucket{le="0.01"} 3',
      'nodejs_eventloop_delay_seconds_bucket{le="+Inf"} 4',
      'nodejs_eventloop_utilization_active_seconds_total 1.5',
      'looplab_tasks_total{strategy="pooled",workload="cpu",outcome="done"} 7',
      'looplab_tasks_total{strategy="blocking",workload="cpu",outcome="done"} 100',
      'looplab_task_wait_seconds_bucket{le="0.1",strategy="pooled",workload="cpu"} 6',
      'looplab_task_wait_seconds_bucket{le="+Inf",strategy="pooled",workload="cpu"} 7',
      'looplab_task_wait_seconds_bucket{le="+Inf",strategy="blocking",workload="cpu"} 100',
    ].join('\n');
    expect(toMetricsSample(plain, 'pooled', 10)).toEqual({
      t: 10,
      lagWindowMaxMs: 250,
      lagWindowS: 2,
      pingServerBuckets: [],
      lagBuckets: [
        [0.01, 3],
        [INF, 4],
      ],
      eluActiveSeconds: 1.5,
      tasksDone: 7,
      tasksFailed: 0,
      tasksRejected: 0,
      queueDepth: 0,
      inFlight: 0,
      waitBuckets: [
        [0.1, 6],
        [INF, 7],
      ],
      runBuckets: [],
    });
  });
});

/**
 * A /metrics server on 127.0.0.1:0. The n-th request (1-based) is answered by `respond(n)`;
 * a normal answer is an exposition whose pooled "done" counter is n, so every sample says
 * which request it came from.
 */
interface FakeApp {
  url: string;
  requests: number;
  maxConcurrent: number;
  /** Epoch ms each request arrived. */
  arrivals: number[];
}

type Answer = { status: number; body: string; delayMs?: number };

function exposition(n: number): string {
  return [
    '# TYPE nodejs_eventloop_delay_window_max_seconds gauge',
    `nodejs_eventloop_delay_window_max_seconds ${n / 1000}`,
    `nodejs_eventloop_utilization_active_seconds_total ${n / 10}`,
    `looplab_tasks_total{strategy="pooled",workload="cpu",outcome="done"} ${n}`,
    '',
  ].join('\n');
}

const ok = (n: number): Answer => ({ status: 200, body: exposition(n) });

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startFakeApp(respond: (n: number) => Answer): Promise<FakeApp> {
  const app: FakeApp = { url: '', requests: 0, maxConcurrent: 0, arrivals: [] };
  let concurrent = 0;
  const server = createServer((req, res) => {
    app.requests += 1;
    app.arrivals.push(Date.now());
    concurrent += 1;
    app.maxConcurrent = Math.max(app.maxConcurrent, concurrent);
    const answer = respond(app.requests);
    setTimeout(() => {
      concurrent -= 1;
      res.writeHead(answer.status, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(answer.body);
    }, answer.delayMs ?? 0);
    req.resume();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return app;
}

describe('MetricsSampler', () => {
  it('scrapes about once a second and once more at stop()', async () => {
    const app = await startFakeApp(ok);
    const seen: MetricsSample[] = [];
    const phaseStart = Date.now();
    const sampler = new MetricsSampler({
      metricsUrls: [app.url],
      strategy: 'pooled',
      phaseStart,
      onSample: (sample) => seen.push(sample),
    });
    sampler.start();
    await sleep(2500);
    const stopAt = Date.now() - phaseStart;
    const samples = await sampler.stop();

    // Scrapes at ≈0, 1000 and 2000 ms, and the last one at stop() (≈2500 ms).
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples).toBe(sampler.samples);
    expect(seen).toEqual(samples);
    const times = samples.map((s) => s.t);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]).toBeGreaterThan(times[i - 1] as number);
    }
    expect(times[0]).toBeLessThan(500);
    const last = samples.at(-1) as MetricsSample;
    expect(last.t).toBeGreaterThanOrEqual(stopAt);
    // Every sample is the answer to one request, in order, and the last one is the last request.
    expect(samples.map((s) => s.tasksDone)).toEqual(samples.map((_, i) => i + 1));
    expect(last.tasksDone).toBe(app.requests);
    expect(last.eluActiveSeconds).toBeCloseTo(app.requests / 10, 9);
    expect(last.lagWindowMaxMs).toBeCloseTo(app.requests, 9);

    // Nothing is scraped after stop().
    const requestsAtStop = app.requests;
    await sleep(1200);
    expect(app.requests).toBe(requestsAtStop);
    expect(sampler.samples).toHaveLength(samples.length);
  });

  it('waits for a slow scrape instead of overlapping it, and stamps it when it arrives', async () => {
    // Request 2 (sent at ≈1000 ms) is answered 1.5 s later, so the tick at ≈2000 ms finds it
    // still in flight and must not send another one.
    const app = await startFakeApp((n) => (n === 2 ? { ...ok(n), delayMs: 1500 } : ok(n)));
    const phaseStart = Date.now();
    const sampler = new MetricsSampler({ metricsUrls: [app.url], strategy: 'pooled', phaseStart });
    sampler.start();
    await sleep(3300);
    const samples = await sampler.stop();

    expect(app.maxConcurrent).toBe(1);
    // ≈0, ≈1000 (answered ≈2500), ≈3000, stop() ≈3300; nothing at ≈2000.
    expect(app.requests).toBe(4);
    expect(samples.map((s) => s.tasksDone)).toEqual([1, 2, 3, 4]);
    const arrivals = app.arrivals.map((at) => at - phaseStart);
    expect(arrivals[2] as number).toBeGreaterThanOrEqual(2500);
    const slow = samples[1] as MetricsSample;
    expect(slow.t).toBeGreaterThanOrEqual(2400);
    expect(slow.t).toBeGreaterThanOrEqual((arrivals[1] as number) + 1400);
  });

  it('stop() during a slow scrape waits for it, then takes the last sample', async () => {
    const app = await startFakeApp((n) => (n === 2 ? { ...ok(n), delayMs: 1500 } : ok(n)));
    const phaseStart = Date.now();
    const sampler = new MetricsSampler({ metricsUrls: [app.url], strategy: 'pooled', phaseStart });
    sampler.start();
    await sleep(1500); // request 2 went out at ≈1000 ms and is answered at ≈2500 ms
    const samples = await sampler.stop();
    const stoppedAt = Date.now() - phaseStart;

    expect(app.maxConcurrent).toBe(1);
    expect(samples.map((s) => s.tasksDone)).toEqual([1, 2, 3]);
    expect(stoppedAt).toBeGreaterThanOrEqual(2400);
    expect((samples[2] as MetricsSample).t).toBeGreaterThanOrEqual((samples[1] as MetricsSample).t);
  });

  it('leaves a gap for an HTTP error instead of recording zeros or throwing', async () => {
    const app = await startFakeApp((n) =>
      n === 2 ? { status: 500, body: 'Internal Server Error' } : ok(n),
    );
    const sampler = new MetricsSampler({
      metricsUrls: [app.url],
      strategy: 'pooled',
      phaseStart: Date.now(),
      intervalMs: 200,
    });
    sampler.start();
    await sleep(700);
    const samples = await sampler.stop();

    expect(app.requests).toBeGreaterThanOrEqual(4);
    const done = samples.map((s) => s.tasksDone);
    // Every request but the second gave a sample; the 500 gave none (not a sample of zeros).
    expect(done).toEqual(
      Array.from({ length: app.requests }, (_, i) => i + 1).filter((n) => n !== 2),
    );
  });

  it('leaves a gap when the connection is refused, and stop() still resolves', async () => {
    // Take a free port, then close it: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const seen: MetricsSample[] = [];
    const sampler = new MetricsSampler({
      metricsUrls: [`http://127.0.0.1:${port}/metrics`],
      strategy: 'blocking',
      phaseStart: Date.now(),
      intervalMs: 100,
      onSample: (sample) => seen.push(sample),
    });
    sampler.start();
    await sleep(350);
    await expect(sampler.stop()).resolves.toEqual([]);
    expect(seen).toEqual([]);
  });
});

describe('toMetricsSample with the queue worker’s exposition', () => {
  it('counts the worker’s tasks with the app’s, but reports the app’s memory alone', () => {
    const app = [
      'process_resident_memory_bytes 100',
      'looplab_queue_enqueue_seconds_bucket{strategy="queue",le="0.001"} 3',
      'looplab_queue_enqueue_seconds_bucket{strategy="queue",le="+Inf"} 4',
    ].join('\n');
    const worker = [
      'process_resident_memory_bytes 900',
      'looplab_tasks_total{strategy="queue",workload="cpu",outcome="done"} 7',
    ].join('\n');
    const sample = toMetricsSample(app, 'queue', 0, worker);
    expect(sample.appMemoryBytes).toBe(100);
    expect(sample.tasksDone).toBe(7);
    expect(sample.enqueueBuckets).toEqual([
      [0.001, 3],
      [Number.POSITIVE_INFINITY, 4],
    ]);
  });
});
