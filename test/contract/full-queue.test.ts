import { METRICS } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, sampleValue, scrape, waitForTask } from '../../target-app/test/support/http.js';
import { ERROR_BODY_KEYS } from './support/bad-input.js';
import { type PipelinedResponse, pipelinedPosts } from './support/pipelined.js';
import {
  saidGoodbye,
  startTarget,
  TARGETS,
  type Target,
  taskStrategies,
} from './support/target.js';

const RETRY_AFTER_SECONDS = '3';
const BURST = 6;
const JOB = { workload: 'sleep', ms: 500 } as const;

/** Each answer of a burst: 202 with the task, or 503 + Retry-After naming the rejected task. */
async function expectAccountedFor(
  target: Target,
  strategy: string,
  answers: readonly PipelinedResponse[],
): Promise<{ accepted: number; rejected: number }> {
  expect(answers).toHaveLength(BURST);
  let accepted = 0;
  let rejected = 0;
  for (const answer of answers) {
    expect([202, 503], JSON.stringify(answer.body)).toContain(answer.status);
    if (answer.status === 202) {
      accepted++;
      expect((await waitForTask(target.url, String(answer.body.id))).status).toBe('done');
      continue;
    }
    rejected++;
    expect(answer.headers['retry-after']).toBe(RETRY_AFTER_SECONDS);
    expect(ERROR_BODY_KEYS).toEqual(expect.arrayContaining(Object.keys(answer.body)));
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(answer.body.message).toMatch(/queue is full/);
    expect(answer.body.status_url).toBe(`/tasks/${String(answer.body.task_id)}`);
    const task = await getJson(`${target.url}${String(answer.body.status_url)}`);
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ status: 'rejected', error: 'queue_full', strategy });
  }
  const metrics = await scrape(target.url);
  const total = (outcome: string) =>
    sampleValue(metrics, METRICS.tasks.name, { strategy, outcome }) ?? 0;
  expect(total('done')).toBe(accepted);
  expect(total('rejected')).toBe(rejected);
  return { accepted, rejected };
}

/** Concurrent POSTs on separate connections, each answered on its own. */
async function concurrentPosts(url: string): Promise<PipelinedResponse[]> {
  return Promise.all(
    Array.from({ length: BURST }, async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(JOB),
      });
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: (await response.json()) as Record<string, unknown>,
      };
    }),
  );
}

describe.each(TARGETS)(
  'the %s app: a full queue says so (503 + Retry-After), and loses nothing',
  (runtime) => {
    let target: Target;

    beforeAll(async () => {
      // One worker and room for one more task: a burst of BURST overflows every bounded queue.
      target = await startTarget(runtime, {
        services: false,
        env: {
          LOOPLAB_POOL_SIZE: '1',
          LOOPLAB_POOL_QUEUE_LIMIT: '1',
          LOOPLAB_BLOCKING_QUEUE_LIMIT: '1',
          LOOPLAB_RETRY_AFTER_SECONDS: RETRY_AFTER_SECONDS,
        },
      });
    });
    afterAll(async () => {
      const lastLines = await target.stop();
      expect(saidGoodbye(lastLines), lastLines.join('\n')).toBe(true);
    });

    // Blocking runs each task on the loop before it reads the next request, so its queue only
    // fills when the server parses a burst in one turn (below). Redis-backed queues are unbounded.
    const bounded = taskStrategies(runtime).filter(
      (s) => s.status === 202 && s.needs.length === 0 && s.name !== 'blocking',
    );
    it.each(bounded.map((s) => [s.name, s] as const))(
      '%s: concurrent tasks beyond its pool and queue are rejected with 503, the rest done',
      async (_name, strategy) => {
        const answers = await concurrentPosts(`${target.url}${strategy.route}`);
        const { accepted, rejected } = await expectAccountedFor(target, strategy.name, answers);
        expect(accepted).toBeGreaterThanOrEqual(1);
        expect(rejected).toBeGreaterThanOrEqual(1);
      },
    );

    it('blocking: a pipelined burst is answered 202 or 503 + Retry-After, each task accounted for', async () => {
      const blocking = taskStrategies(runtime).find((s) => s.name === 'blocking');
      if (!blocking) throw new Error(`the contract has no blocking strategy for ${runtime}`);
      const answers = await pipelinedPosts(
        target.port,
        blocking.route,
        Array.from({ length: BURST }, () => JOB),
      );
      const { accepted } = await expectAccountedFor(target, blocking.name, answers);
      expect(accepted).toBeGreaterThanOrEqual(1);
    });
  },
);
