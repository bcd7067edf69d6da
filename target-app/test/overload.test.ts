import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import {
  getJson,
  pipelinedPosts,
  postJson,
  sampleValue,
  scrape,
  type TaskView,
  waitForTask,
} from './support/http.js';

interface Rejection {
  statusCode: number;
  message: string;
  task_id: string;
  status_url: string;
}

describe('a full queue says so: 503 + Retry-After, and the task is recorded as rejected', () => {
  let app: AppProcess | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it.each(['pooled', 'process'])(
    '%s: one running + a full queue → the next task is rejected, none are dropped',
    async (strategy) => {
      app = await startApp({
        LOOPLAB_POOL_SIZE: '1',
        LOOPLAB_POOL_QUEUE_LIMIT: '2',
        LOOPLAB_RETRY_AFTER_SECONDS: '3',
      });
      const running = await postJson<{ id: string }>(`${app.url}/background/${strategy}`, {
        workload: 'sleep',
        ms: 1500,
      });
      expect(running.status).toBe(202);
      await expect
        .poll(
          async () => (await getJson<TaskView>(`${app?.url}/tasks/${running.body.id}`)).body.status,
          // A loaded 2-core box can take seconds to start the pool's first worker.
          { timeout: 10_000 },
        )
        .toBe('running');
      const queued = [
        await postJson<{ id: string }>(`${app.url}/background/${strategy}`, {
          workload: 'sleep',
          ms: 10,
        }),
        await postJson<{ id: string }>(`${app.url}/background/${strategy}`, {
          workload: 'sleep',
          ms: 10,
        }),
      ];
      expect(queued.map((response) => response.status)).toEqual([202, 202]);
      expect((await getJson<TaskView>(`${app.url}/tasks/${queued[0]?.body.id}`)).body.status).toBe(
        'queued',
      );

      const rejected = await postJson<Rejection>(`${app.url}/background/${strategy}`, {
        workload: 'sleep',
        ms: 10,
      });
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('3');
      expect(rejected.body.message).toMatch(/queue is full/);
      const rejectedTask = (await getJson<TaskView>(`${app.url}${rejected.body.status_url}`)).body;
      expect(rejectedTask.status).toBe('rejected');
      expect(rejectedTask.error).toBe('queue_full');

      const depth = await scrape(app.url);
      expect(sampleValue(depth, 'looplab_task_queue_depth', { strategy })).toBe(2);
      expect(sampleValue(depth, 'looplab_tasks_in_flight', { strategy })).toBe(1);

      for (const task of [running, ...queued]) {
        expect((await waitForTask(app.url, task.body.id)).status).toBe('done');
      }
      const metrics = await scrape(app.url);
      expect(sampleValue(metrics, 'looplab_tasks_total', { strategy, outcome: 'done' })).toBe(3);
      expect(sampleValue(metrics, 'looplab_tasks_total', { strategy, outcome: 'rejected' })).toBe(
        1,
      );
    },
  );

  it('blocking: a burst read in one loop turn overflows the queue; the rest are rejected, not dropped', async () => {
    app = await startApp({ LOOPLAB_BLOCKING_QUEUE_LIMIT: '2', LOOPLAB_RETRY_AFTER_SECONDS: '2' });
    const base = app.url;
    const burst = await pipelinedPosts(
      app.port,
      '/background/blocking',
      Array.from({ length: 5 }, () => ({ workload: 'sleep', ms: 50 })),
    );
    expect(burst.map((response) => response.status)).toEqual([202, 202, 503, 503, 503]);
    for (const response of burst) {
      if (response.status === 503) expect(response.headers['retry-after']).toBe('2');
      const id = String(response.body.id ?? response.body.task_id);
      const task = await waitForTask(base, id);
      expect(task.status).toBe(response.status === 202 ? 'done' : 'rejected');
    }
    const metrics = await scrape(base);
    expect(
      sampleValue(metrics, 'looplab_tasks_total', { strategy: 'blocking', outcome: 'done' }),
    ).toBe(2);
    expect(
      sampleValue(metrics, 'looplab_tasks_total', { strategy: 'blocking', outcome: 'rejected' }),
    ).toBe(3);
  });
});

describe('failures are recorded, and a crashed worker is replaced', () => {
  let app: AppProcess;
  afterEach(async () => {
    await app?.stop();
  });

  it('a throwing workload is failed with its error on both strategies; a worker crash fails only its task', async () => {
    app = await startApp({ LOOPLAB_FAULT_INJECTION: 'on', LOOPLAB_POOL_SIZE: '1' });
    for (const strategy of ['blocking', 'pooled']) {
      const accepted = await postJson<{ id: string }>(`${app.url}/background/${strategy}`, {
        workload: 'cpu',
        ms: 5,
        fault: 'throw',
      });
      expect(accepted.status).toBe(202);
      const task = await waitForTask(app.url, accepted.body.id);
      expect(task.status).toBe('failed');
      expect(task.error).toBe('injected fault: the workload threw');
    }

    const crash = await postJson<{ id: string }>(`${app.url}/background/pooled`, {
      workload: 'cpu',
      ms: 5,
      fault: 'crash',
    });
    const crashed = await waitForTask(app.url, crash.body.id);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toMatch(/worker exited with code: 70/);

    // The server is up and the pool has a fresh worker that does real work.
    expect((await getJson(`${app.url}/ping`)).status).toBe(200);
    const after = await postJson<{ id: string }>(`${app.url}/background/pooled`, {
      workload: 'hash',
      iterations: 2,
    });
    expect((await waitForTask(app.url, after.body.id)).status).toBe('done');
    const metrics = await scrape(app.url);
    expect(sampleValue(metrics, 'looplab_pool_worker_exits_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'looplab_pool_workers')).toBe(1);
    expect(
      sampleValue(metrics, 'looplab_tasks_total', { strategy: 'pooled', outcome: 'failed' }),
    ).toBe(2);
    expect(
      app.logs.some(
        (line) => line.msg === 'task failed' && line.error === 'injected fault: the workload threw',
      ),
    ).toBe(true);
  });

  it('a crashed child process fails only its task, is replaced, and the new child does real work', async () => {
    app = await startApp({ LOOPLAB_FAULT_INJECTION: 'on', LOOPLAB_POOL_SIZE: '1' });
    const before = await scrape(app.url);
    const rssBefore = sampleValue(before, 'looplab_pool_worker_resident_memory_bytes', {
      strategy: 'process',
    });
    expect(rssBefore).toBeGreaterThan(10 * 1024 * 1024);

    const crash = await postJson<{ id: string }>(`${app.url}/background/process`, {
      workload: 'cpu',
      ms: 5,
      fault: 'crash',
    });
    expect(crash.status).toBe(202);
    const crashed = await waitForTask(app.url, crash.body.id);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toMatch(/child process \d+ exited with code: 70/);

    const after = await postJson<{ id: string }>(`${app.url}/background/process`, {
      workload: 'hash',
      iterations: 2,
    });
    expect((await waitForTask(app.url, after.body.id)).status).toBe('done');
    const metrics = await scrape(app.url);
    expect(sampleValue(metrics, 'looplab_pool_worker_exits_total', { strategy: 'process' })).toBe(
      1,
    );
    expect(sampleValue(metrics, 'looplab_pool_workers', { strategy: 'process' })).toBe(1);
    expect(
      sampleValue(metrics, 'looplab_pool_worker_resident_memory_bytes', { strategy: 'process' }),
    ).toBeGreaterThan(10 * 1024 * 1024);
    expect(
      sampleValue(metrics, 'looplab_tasks_total', { strategy: 'process', outcome: 'failed' }),
    ).toBe(1);
    expect((await getJson(`${app.url}/ping`)).status).toBe(200);
  });
});
