import { join } from 'node:path';
import { QueueWorkerProcess, RedisServer } from '@looplab/lab/src/run/services/index.js';
import { APP_ROOT, type AppProcess } from './app-process.js';
import { getJson, type TaskView } from './http.js';

/**
 * Redis and the queue worker for the queue tests, started with the same launchers the compare
 * runner uses (lab/src/run/services): a real redis-server on a free loopback port with
 * appendonly + appendfsync always, and the built worker (dist/worker/main.js).
 */
export const REPO_ROOT = join(APP_ROOT, '..');

const redises = new Set<RedisServer>();
const workers = new Set<QueueWorkerProcess>();

export async function startRedis(): Promise<RedisServer> {
  const redis = await RedisServer.start({ appendfsync: 'always' });
  redises.add(redis);
  return redis;
}

/** Starts Redis on the same port and data folder again (after stop() or kill()). */
export async function restartRedis(redis: RedisServer): Promise<RedisServer> {
  const again = await redis.restart();
  redises.add(again);
  return again;
}

/** `cpus`: a taskset CPU list, to keep the worker off the core the API's event loop uses. */
export async function startWorker(
  redisUrl: string,
  env: Record<string, string> = {},
  cpus: string | null = null,
): Promise<QueueWorkerProcess> {
  const worker = await QueueWorkerProcess.start({ repoRoot: REPO_ROOT, redisUrl, cpus, env });
  workers.add(worker);
  return worker;
}

/** Stops every worker and Redis the tests started (workers first, so they drain). */
export async function stopQueueServices(): Promise<void> {
  await Promise.all([...workers].map((worker) => worker.stop()));
  workers.clear();
  // All stopped before any folder goes: a restarted server shares its first start's folder.
  await Promise.all([...redises].map((redis) => redis.stop()));
  await Promise.all([...redises].map((redis) => redis.dispose()));
  redises.clear();
}

const FINAL = new Set(['done', 'failed', 'rejected']);

/** Polls GET /tasks/:id for each id until all are final; a 503 (Redis away) is retried. */
export async function waitForAll(
  baseUrl: string,
  ids: readonly string[],
  timeoutMs = 30_000,
): Promise<TaskView[]> {
  const deadline = Date.now() + timeoutMs;
  const views = new Map<string, TaskView>();
  for (;;) {
    for (const id of ids) {
      if (views.has(id)) continue;
      const { status, body } = await getJson<TaskView>(`${baseUrl}/tasks/${id}`);
      if (status === 200 && FINAL.has(body.status)) views.set(id, body);
    }
    if (views.size === ids.length) return ids.map((id) => views.get(id) as TaskView);
    if (Date.now() > deadline) {
      throw new Error(
        `${ids.length - views.size} of ${ids.length} tasks not final after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the app logged that would mean a defect rather than a refusal: errors, unhandled rejections. */
export function appDefects(app: AppProcess): unknown[] {
  return [
    ...app.logs.filter((line) => line.level === 'error' || line.level === 'fatal'),
    ...(/unhandled|uncaught/i.test(app.stderr()) ? [app.stderr()] : []),
  ];
}
