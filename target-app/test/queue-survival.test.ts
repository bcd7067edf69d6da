import type { QueueWorkerProcess, RedisServer } from '@looplab/lab/src/run/services/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { getJson, postJson, type TaskView } from './support/http.js';
import {
  appDefects,
  restartRedis,
  startRedis,
  startWorker,
  stopQueueServices,
  waitForAll,
} from './support/queue-services.js';

const QUEUE = '/background/queue';

interface Reply {
  id?: string;
  message?: string;
  task_id?: string;
}

describe('queue jobs survive the processes around them', () => {
  const apps: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
    await stopQueueServices();
  });

  async function api(redis: RedisServer): Promise<AppProcess> {
    const app = await startApp({ REDIS_URL: redis.url });
    apps.push(app);
    return app;
  }

  it('the API is killed with jobs still waiting; a new API process reports every one done', async () => {
    const redis = await startRedis();
    const first = await api(redis);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const accepted = await postJson<Reply>(`${first.url}${QUEUE}`, { workload: 'sleep', ms: 50 });
      expect(accepted.status).toBe(202);
      ids.push(accepted.body.id as string);
    }
    // No worker yet: every job is waiting in Redis, and only there.
    expect((await getJson<TaskView>(`${first.url}/tasks/${ids[0]}`)).body.status).toBe('queued');
    expect(await first.stop('SIGKILL')).toBeNull();

    const worker = await startWorker(redis.url);
    const second = await api(redis);
    const views = await waitForAll(second.url, ids);
    expect(views.map((view) => view.status)).toEqual(ids.map(() => 'done'));
    expect(views.every((view) => (view.run_ms ?? 0) >= 49)).toBe(true);
    expect(worker.exited).toBe(false);
    expect(appDefects(second)).toEqual([]);
  });

  it('the worker drains on SIGTERM: the running job finishes, waiting ones stay for the next worker', async () => {
    const redis = await startRedis();
    const app = await api(redis);
    const worker: QueueWorkerProcess = await startWorker(redis.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(
        (await postJson<Reply>(`${app.url}${QUEUE}`, { workload: 'sleep', ms: 300 })).body
          .id as string,
      );
    }
    await expect
      .poll(async () => (await getJson<TaskView>(`${app.url}/tasks/${ids[0]}`)).body.status)
      .toBe('running');
    await worker.stop();
    expect(worker.exited).toBe(true);
    const afterDrain = await Promise.all(
      ids.map(async (id) => (await getJson<TaskView>(`${app.url}/tasks/${id}`)).body.status),
    );
    // The job it was running finished; nothing was failed or lost on the way out.
    expect(afterDrain[0]).toBe('done');
    expect(afterDrain.filter((status) => status === 'failed')).toEqual([]);
    expect(afterDrain).toContain('queued');

    await startWorker(redis.url);
    const views = await waitForAll(app.url, ids);
    expect(views.map((view) => view.status)).toEqual(ids.map(() => 'done'));
  });

  it('a worker killed mid-job: after its lock expires the next worker runs the job again, and the rest', async () => {
    const redis = await startRedis();
    const app = await api(redis);
    // A short lock so the test does not wait BullMQ's default 30 s for the stall check.
    const shortLock = { LOOPLAB_QUEUE_LOCK_MS: '2000' };
    const doomed = await startWorker(redis.url, shortLock);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await postJson<Reply>(`${app.url}${QUEUE}`, { workload: 'sleep', ms: 1500 })).body
          .id as string,
      );
    }
    await expect
      .poll(async () => (await getJson<TaskView>(`${app.url}/tasks/${ids[0]}`)).body.status)
      .toBe('running');
    await doomed.kill();
    await startWorker(redis.url, shortLock);
    const views = await waitForAll(app.url, ids, 60_000);
    expect(views.map((view) => view.status)).toEqual(ids.map(() => 'done'));
  });

  it('Redis stopped mid-run (appendfsync always): 503s that say so, then every accepted job is done', async () => {
    let redis = await startRedis();
    const worker = await startWorker(redis.url);
    const app = await api(redis);
    const accepted: string[] = [];
    const refused: Reply[] = [];
    const other: number[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const reply = await postJson<Reply>(`${app.url}${QUEUE}`, { workload: 'cpu', ms: 10 });
        if (reply.status === 202) accepted.push(reply.body.id as string);
        else if (reply.status === 503 && reply.headers.get('retry-after')) refused.push(reply.body);
        else other.push(reply.status);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    /** Phases end on counts, not on the clock: on a loaded box each step simply takes longer. */
    const until = (done: () => boolean) =>
      expect.poll(done, { timeout: 30_000, interval: 20 }).toBe(true);

    await until(() => accepted.length >= 10);
    await redis.kill();
    const acceptedBefore = accepted.length;
    await until(() => refused.length >= 5);
    redis = await restartRedis(redis);
    await until(() => accepted.length >= acceptedBefore + 10);
    sending = false;
    await sender;

    expect(refused[0]?.message).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(other).toEqual([]);
    const views = await waitForAll(app.url, accepted, 60_000);
    const statuses = views.map((view) => view.status);
    expect(statuses.filter((status) => status !== 'done')).toEqual([]);
    expect(appDefects(app)).toEqual([]);
    // The worker rode it out too: still up, nothing unhandled.
    expect(worker.exited).toBe(false);
    expect(worker.lastLines().filter((line) => /unhandled|uncaught/i.test(line))).toEqual([]);
    console.log(
      `redis outage: ${accepted.length} accepted (${acceptedBefore} before the kill), ${refused.length} refused with 503, all ${views.length} accepted done`,
    );
  });
});
