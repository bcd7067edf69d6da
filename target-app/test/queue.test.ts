import { METRICS, metricsOf } from '@looplab/contract';
import type { RedisServer } from '@looplab/lab/src/run/services/index.js';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { getJson, postJson, postRaw, sampleValue, scrape, type TaskView } from './support/http.js';
import {
  appDefects,
  restartRedis,
  startRedis,
  startWorker,
  stopQueueServices,
  waitForAll,
} from './support/queue-services.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: Array<{ field: string; rule: string }>;
  task_id?: string;
  status_url?: string;
}

interface Accepted {
  id: string;
  strategy: string;
  status_url: string;
}

const QUEUE = '/background/queue';

describe('queue without REDIS_URL: the rest of the app works, the queue says how to get Redis', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
  });

  it('POST /background/queue is a 503 with the JSON error body naming REDIS_URL', async () => {
    const { status, headers, body } = await postJson<ErrorBody>(`${app.url}${QUEUE}`, {
      workload: 'cpu',
      ms: 5,
    });
    expect(status).toBe(503);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    expect(body.statusCode).toBe(503);
    expect(body.error).toBe('Service Unavailable');
    expect(body.message).toMatch(/REDIS_URL=redis:\/\//);
    expect(body.message).toMatch(/npm run worker/);
  });

  it('bad input is still a 400 naming the field, before Redis matters', async () => {
    const { status, body } = await postRaw<ErrorBody>(`${app.url}${QUEUE}`, '{"workload":"cpu"}');
    expect(status).toBe(400);
    expect(body.issues?.[0]?.field).toBe('ms');
  });

  it('readiness stays ready and the other strategies run', async () => {
    expect((await getJson(`${app.url}/readyz`)).status).toBe(200);
    const pooled = await postJson<Accepted>(`${app.url}/background/pooled`, {
      workload: 'cpu',
      ms: 5,
    });
    expect(pooled.status).toBe(202);
    expect(appDefects(app)).toEqual([]);
  });
});

describe('queue with a real Redis and worker', () => {
  let redis: RedisServer;
  let app: AppProcess;
  let workerUrl: string;

  beforeAll(async () => {
    redis = await startRedis();
    workerUrl = (await startWorker(redis.url)).url;
    app = await startApp({ REDIS_URL: redis.url, LOOPLAB_FAULT_INJECTION: 'on' });
  });
  afterAll(async () => {
    await app?.stop();
    await stopQueueServices();
  });

  it('202 once enqueued; the job id is the task id; GET /tasks/:id reads the real state from Redis', async () => {
    const accepted = await postJson<Accepted>(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 30 });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      strategy: 'queue',
      status_url: `/tasks/${accepted.body.id}`,
    });
    const [task] = await waitForAll(app.url, [accepted.body.id]);
    expect(task).toMatchObject({
      id: accepted.body.id,
      strategy: 'queue',
      status: 'done',
      workload: { workload: 'cpu', ms: 30 },
      error: null,
    });
    expect(task?.run_ms).toBeGreaterThanOrEqual(29);
    expect(task?.wait_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(task?.started_at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(task?.queued_at ?? ''),
    );
    expect((task as unknown as { result: { workload: string } }).result.workload).toBe('cpu');
  });

  it('a job the workload fails is failed, with the error', async () => {
    const accepted = await postJson<Accepted>(`${app.url}${QUEUE}`, {
      workload: 'cpu',
      ms: 5,
      fault: 'throw',
    });
    expect(accepted.status).toBe(202);
    const [task] = await waitForAll(app.url, [accepted.body.id]);
    expect(task?.status).toBe('failed');
    expect(task?.error).toMatch(/injected fault/);
  });

  it('crash is refused: it would take the worker down, not a replaceable child', async () => {
    const { status, body } = await postJson<ErrorBody>(`${app.url}${QUEUE}`, {
      workload: 'cpu',
      ms: 5,
      fault: 'crash',
    });
    expect(status).toBe(400);
    expect(body.issues?.[0]?.field).toBe('fault');
  });

  it("shows running while the worker runs it, and the worker's /metrics answers meanwhile", async () => {
    const JOB_MS = 1500;
    const accepted = await postJson<Accepted>(`${app.url}${QUEUE}`, {
      workload: 'cpu',
      ms: JOB_MS,
    });
    await expect
      .poll(
        async () => (await getJson<TaskView>(`${app.url}/tasks/${accepted.body.id}`)).body.status,
        { timeout: 5000, interval: 20 },
      )
      .toBe('running');
    // The job runs on a worker thread: the worker's own loop is free to answer the scrape.
    const started = performance.now();
    const during = await scrape(workerUrl);
    expect(performance.now() - started).toBeLessThan(JOB_MS / 2);
    expect(sampleValue(during, METRICS.tasksInFlight.name, { strategy: 'queue' })).toBe(1);
    expect(sampleValue(during, METRICS.queueJobs.name, { state: 'active' })).toBe(1);
    expect((await waitForAll(app.url, [accepted.body.id]))[0]?.status).toBe('done');
  });

  it('an unknown id is a 404', async () => {
    const { status } = await getJson(`${app.url}/tasks/00000000-0000-4000-8000-000000000000`);
    expect(status).toBe(404);
  });

  it('enqueue time on the API, job counts and task metrics on the worker, all under contract names', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await postJson<Accepted>(`${app.url}${QUEUE}`, { workload: 'hash', iterations: 2 })).body
          .id,
      );
    }
    await waitForAll(app.url, ids);
    const api = await scrape(app.url);
    expect(
      sampleValue(api, `${METRICS.queueEnqueue.name}_count`, { strategy: 'queue' }),
    ).toBeGreaterThanOrEqual(5);
    const worker = await scrape(workerUrl);
    expect(
      sampleValue(worker, METRICS.tasks.name, {
        strategy: 'queue',
        workload: 'hash',
        outcome: 'done',
      }),
    ).toBe(5);
    expect(
      sampleValue(worker, `${METRICS.taskRun.name}_count`, { strategy: 'queue', workload: 'hash' }),
    ).toBe(5);
    expect(
      sampleValue(worker, `${METRICS.taskWait.name}_count`, {
        strategy: 'queue',
        workload: 'hash',
      }),
    ).toBe(5);
    expect(
      sampleValue(worker, METRICS.queueJobs.name, { state: 'completed' }),
    ).toBeGreaterThanOrEqual(5);
    expect(sampleValue(worker, METRICS.queueJobs.name, { state: 'waiting' })).toBe(0);
    expect(sampleValue(worker, METRICS.tasksInFlight.name, { strategy: 'queue' })).toBe(0);
  });

  it("the worker's /metrics has exactly the contract's worker metrics, with its label names", async () => {
    const exposition = await scrape(workerUrl);
    const families = new Set(
      exposition
        .split('\n')
        .filter((line) => line.startsWith('# TYPE '))
        .map((line) => line.split(' ')[2]),
    );
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    const defaultNames = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));
    const expected = metricsOf('worker', 'node');
    expect(expected.filter((metric) => !families.has(metric.name)).map((m) => m.name)).toEqual([]);
    const known = new Set(expected.map((metric) => metric.name));
    expect(
      [...families].filter((name) => name && !known.has(name) && !defaultNames.has(name)),
    ).toEqual([]);
    for (const metric of expected) {
      const sample = exposition
        .split('\n')
        .find((line) =>
          line.startsWith(`${metric.name}${metric.type === 'histogram' ? '_count' : ''}{`),
        );
      const labels = [...(sample ?? '').matchAll(/(\w+)="/g)].map((match) => match[1]).sort();
      expect(labels, metric.name).toEqual([...metric.labels].sort());
    }
  });

  it('Redis going away: 503 + Retry-After saying so, no crash; back again, it accepts', async () => {
    const before = await postJson<Accepted>(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 1 });
    await waitForAll(app.url, [before.body.id]);
    await redis.stop();

    const refused = await postJson<ErrorBody>(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 5 });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(refused.body.message).toMatch(/retry later/);
    const rejected = await getJson<TaskView>(`${app.url}/tasks/${refused.body.task_id}`);
    expect(rejected.body).toMatchObject({ status: 'rejected', error: 'unavailable' });

    // A job only Redis knows cannot be read while it is away: 503, not 404 and not 500.
    const lookup = await getJson<ErrorBody>(`${app.url}/tasks/${before.body.id}`);
    expect(lookup.status).toBe(503);
    expect(lookup.headers.get('retry-after')).toBe('1');
    expect(lookup.body.message).toMatch(/Redis at/);
    expect((await getJson(`${app.url}/readyz`)).status).toBe(200);
    expect((await getJson(`${app.url}/ping`)).status).toBe(200);

    redis = await restartRedis(redis);
    await expect
      .poll(async () => (await postJson(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 1 })).status, {
        timeout: 10_000,
      })
      .toBe(202);
    expect(appDefects(app)).toEqual([]);
  });
});

describe('queue when Redis is not up yet as the API starts', () => {
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await stopQueueServices();
  });

  it('503 at once while Redis is down, 202 once it is up, without restarting the API', async () => {
    const stopped = await startRedis();
    await stopped.stop();
    app = await startApp({ REDIS_URL: stopped.url });
    expect((await getJson(`${app.url}/readyz`)).status).toBe(200);
    const started = performance.now();
    const refused = await postJson<ErrorBody>(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 1 });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/Redis at .* is unavailable/);
    expect(performance.now() - started).toBeLessThan(1500);

    const redis = await restartRedis(stopped);
    await startWorker(redis.url);
    let id: string | undefined;
    await expect
      .poll(
        async () => {
          const reply = await postJson<Accepted>(`${app?.url}${QUEUE}`, { workload: 'cpu', ms: 1 });
          id = reply.body.id;
          return reply.status;
        },
        { timeout: 15_000 },
      )
      .toBe(202);
    expect((await waitForAll(app.url, [id as string]))[0]?.status).toBe('done');
    expect(appDefects(app)).toEqual([]);
  });
});
