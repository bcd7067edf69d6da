import { METRICS } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from './worker-metrics.js';

const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start));

describe('WorkerMetrics', () => {
  it('exports the queue strategy task metrics and the job counts under contract names', async () => {
    const metrics = new WorkerMetrics(
      async () => ({ waiting: 3, active: 1, completed: 7 }),
      () => 1,
      () => undefined,
    );
    metrics.observe('cpu', 'done', 12, 200);
    const text = await metrics.registry.metrics();
    expect(line(text, `${METRICS.queueJobs.name}{state="waiting"}`)).toMatch(/ 3$/);
    expect(line(text, `${METRICS.queueJobs.name}{state="failed"}`)).toMatch(/ 0$/);
    expect(line(text, `${METRICS.tasksInFlight.name}{strategy="queue"}`)).toMatch(/ 1$/);
    expect(
      line(text, `${METRICS.tasks.name}{strategy="queue",workload="cpu",outcome="done"}`),
    ).toMatch(/ 1$/);
    expect(
      line(text, `${METRICS.taskRun.name}_bucket{le="0.2",strategy="queue",workload="cpu"}`),
    ).toMatch(/ 1$/);
  });

  it('a scrape while Redis is away still answers, with the last counts, and reports the error', async () => {
    let redisUp = true;
    const errors: unknown[] = [];
    const metrics = new WorkerMetrics(
      async () => {
        if (!redisUp) throw new Error('Redis is unavailable');
        return { waiting: 2 };
      },
      () => 0,
      (error) => errors.push(error),
    );
    await metrics.registry.metrics();
    redisUp = false;
    const text = await metrics.registry.metrics();
    expect(line(text, `${METRICS.queueJobs.name}{state="waiting"}`)).toMatch(/ 2$/);
    expect(errors).toHaveLength(1);
  });
});
