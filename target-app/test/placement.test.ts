import { readdirSync, readFileSync } from 'node:fs';
import { strategy } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { postJson, sampleValue, scrape, waitForTask } from './support/http.js';

const POOL_SIZE = 2;

function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Pids of the direct children of a process (the process pool's), from /proc. */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command (in parentheses): state, ppid, ...
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * What lets a runner pin the app to the load core and then move only the main thread: every
 * pool worker (threads and child processes) exists from start-up, and running tasks creates
 * none (see docs/target-app.md, Placement).
 */
describe('placement: every pool worker is created at start-up', () => {
  let app: AppProcess;
  let pid: number;
  let threadsAtStart: number;
  let childrenAtStart: number[];

  beforeAll(async () => {
    app = await startApp({ LOOPLAB_POOL_SIZE: String(POOL_SIZE) });
    pid = app.child.pid ?? Number.NaN;
    threadsAtStart = threadCount(pid);
    childrenAtStart = childPids(pid);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('has both pools full before any task was submitted', async () => {
    expect(childrenAtStart).toHaveLength(POOL_SIZE);
    const exposition = await scrape(app.url);
    for (const name of ['pooled', 'process']) {
      expect(sampleValue(exposition, 'looplab_pool_workers', { strategy: name }), name).toBe(
        POOL_SIZE,
      );
    }
  });

  it('creates no thread and no child process while running more tasks than workers', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < POOL_SIZE * 3; i++) {
      for (const route of [strategy('pooled').route, strategy('process').route]) {
        const response = await postJson<{ id: string }>(`${app.url}${route}`, {
          workload: 'cpu',
          ms: 50,
        });
        expect(response.status).toBe(202);
        accepted.push(response.body.id);
      }
    }
    for (const id of accepted) expect((await waitForTask(app.url, id)).status).toBe('done');
    expect(childPids(pid)).toEqual(childrenAtStart);
    expect(threadCount(pid)).toBeLessThanOrEqual(threadsAtStart);
  });
});
