import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import { TaskTracing } from '../../telemetry/task-tracing.js';
import type { Task } from './task.js';
import {
  type Refusal,
  type TaskExecutor,
  type TaskLifecycle,
  TaskRefusedError,
} from './task-executor.js';
import { TaskRegistry } from './task-registry.js';
import { TaskService } from './task-service.js';

/** An executor whose behaviour each test sets; it remembers what it was given. */
class ScriptedExecutor implements TaskExecutor {
  readonly strategy = 'pooled' as const;
  lifecycle!: TaskLifecycle;
  refuse: Refusal | undefined;
  onSubmit: (task: Task) => void | Promise<void> = () => {};
  elsewhere = new Map<string, Task>();
  submitted: Task[] = [];
  abandoned = false;

  refusal(): Refusal | undefined {
    return this.refuse;
  }
  queueDepth(): number {
    return 0;
  }
  inFlight(): number {
    return 0;
  }
  submit(task: Task): void | Promise<void> {
    this.submitted.push(task);
    return this.onSubmit(task);
  }
  async find(id: string): Promise<Task | undefined> {
    return this.elsewhere.get(id);
  }
  abandonQueued(): void {
    this.abandoned = true;
  }
  async close(): Promise<void> {}
}

function serviceWith(executor: ScriptedExecutor) {
  const registry = new Registry();
  const service = new TaskService({
    registry: new TaskRegistry(100),
    metrics: new TaskMetrics(registry),
    tracing: new TaskTracing(),
    logger: pino({ level: 'silent' }),
    createExecutors: (lifecycle) => {
      executor.lifecycle = lifecycle;
      return [executor];
    },
  });
  const outcome = async (outcome: string) =>
    (await registry.getSingleMetric('looplab_tasks_total')?.get())?.values.find(
      (value) => value.labels.outcome === outcome,
    )?.value ?? 0;
  return { service, outcome };
}

const request = { spec: { workload: 'cpu' as const, ms: 1 } };
const run = (r: () => void) => r();

describe('TaskService', () => {
  it('rejects with the executor message when it refuses, and records the task', async () => {
    const executor = new ScriptedExecutor();
    executor.refuse = { reason: 'unavailable', message: 'no Redis: set REDIS_URL' };
    const { service, outcome } = serviceWith(executor);
    const result = await service.submit('pooled', request, run);
    expect(result).toMatchObject({
      accepted: false,
      reason: 'unavailable',
      message: 'no Redis: set REDIS_URL',
    });
    expect(executor.submitted).toEqual([]);
    expect((await service.find(result.task.id))?.status).toBe('rejected');
    expect(await outcome('rejected')).toBe(1);
  });

  it('waits for an asynchronous submit, and turns a TaskRefusedError into a rejection', async () => {
    const executor = new ScriptedExecutor();
    executor.onSubmit = async () => {
      throw new TaskRefusedError({ reason: 'unavailable', message: 'Redis went away' });
    };
    const { service } = serviceWith(executor);
    const result = await service.submit('pooled', request, run);
    expect(result).toMatchObject({
      accepted: false,
      reason: 'unavailable',
      message: 'Redis went away',
    });
    expect(service.pendingCount).toBe(0);
  });

  it('fails the task and rethrows when an asynchronous submit fails otherwise', async () => {
    const executor = new ScriptedExecutor();
    executor.onSubmit = async () => {
      throw new Error('bug');
    };
    const { service, outcome } = serviceWith(executor);
    await expect(service.submit('pooled', request, run)).rejects.toThrow('bug');
    expect(await outcome('failed')).toBe(1);
    expect(service.pendingCount).toBe(0);
  });

  it('resolves whenFinished once the executor reports the result', async () => {
    const executor = new ScriptedExecutor();
    const { service, outcome } = serviceWith(executor);
    const result = await service.submit('pooled', request, run);
    let finished = false;
    const waiting = service.whenFinished(result.task).then(() => {
      finished = true;
    });
    await Promise.resolve();
    expect(finished).toBe(false);
    executor.lifecycle.started(result.task, result.task.queuedAt + 1);
    executor.lifecycle.finished(result.task, {
      startedAt: result.task.queuedAt + 1,
      finishedAt: result.task.queuedAt + 2,
      result: { workload: 'cpu', iterations: 1, elapsedMs: 1, checksum: 1 },
    });
    await waiting;
    expect(result.task.status).toBe('done');
    expect(await outcome('done')).toBe(1);
  });

  it('a handed-off task no longer holds the drain, and lookups go to the executor', async () => {
    const executor = new ScriptedExecutor();
    const { service } = serviceWith(executor);
    const result = await service.submit('pooled', request, run);
    expect(service.pendingCount).toBe(1);
    executor.lifecycle.handedOff(result.task);
    expect(service.pendingCount).toBe(0);
    expect(await service.find(result.task.id)).toBeUndefined();
    executor.elsewhere.set(result.task.id, { ...result.task, status: 'running' });
    expect((await service.find(result.task.id))?.status).toBe('running');
    const summary = await service.drain(1000);
    expect(summary.timedOut).toBe(false);
    expect(summary.lifetime).toEqual({
      accepted: 1,
      done: 0,
      failed: 0,
      abandoned: 0,
      handedOff: 1,
    });
  });

  it('tallies every accepted task by where it ended: accepted = done + failed + abandoned + handed off', async () => {
    const executor = new ScriptedExecutor();
    const { service } = serviceWith(executor);
    const done = await service.submit('pooled', request, run);
    const failed = await service.submit('pooled', request, run);
    await service.submit('pooled', request, run);
    executor.lifecycle.finished(done.task, {
      startedAt: done.task.queuedAt,
      finishedAt: done.task.queuedAt + 1,
      result: { workload: 'cpu', iterations: 1, elapsedMs: 1, checksum: 1 },
    });
    executor.lifecycle.finished(failed.task, {
      finishedAt: failed.task.queuedAt + 1,
      error: 'boom',
    });
    const summary = await service.drain(20);
    expect(summary.lifetime).toEqual({
      accepted: 3,
      done: 1,
      failed: 1,
      abandoned: 1,
      handedOff: 0,
    });
  });

  it('counts the tasks still pending when the drain times out as abandoned', async () => {
    const executor = new ScriptedExecutor();
    const { service, outcome } = serviceWith(executor);
    await service.submit('pooled', request, run);
    await service.submit('pooled', request, run);
    const summary = await service.drain(20);
    expect(summary).toMatchObject({ timedOut: true, pendingAtStart: 2, abandoned: 2, finished: 0 });
    expect(summary.lifetime).toMatchObject({ accepted: 2, abandoned: 2 });
    expect(executor.abandoned).toBe(true);
    expect(await outcome('abandoned')).toBe(2);
    const late = await service.submit('pooled', request, run);
    expect(late).toMatchObject({ accepted: false, reason: 'shutting_down' });
  });
});
