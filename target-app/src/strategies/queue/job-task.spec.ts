import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { statusOfJob, taskFromJob } from './job-task.js';
import type { QueueJobData, QueueJobResult } from './queue-job.js';

const data: QueueJobData = { spec: { workload: 'cpu', ms: 20 }, queuedAt: 1_000.25 };

function job(
  fields: Partial<Job<QueueJobData, QueueJobResult>>,
): Job<QueueJobData, QueueJobResult> {
  return { id: 'task-1', data, ...fields } as Job<QueueJobData, QueueJobResult>;
}

describe('statusOfJob', () => {
  it.each([
    ['waiting', 'queued'],
    ['delayed', 'queued'],
    ['prioritized', 'queued'],
    ['active', 'running'],
    ['completed', 'done'],
    ['failed', 'failed'],
  ])('%s -> %s', (state, status) => {
    expect(statusOfJob(state)).toBe(status);
  });
});

describe('taskFromJob', () => {
  it('a waiting job has only its queue time', () => {
    const task = taskFromJob(job({ processedOn: undefined }), 'waiting');
    expect(task).toMatchObject({
      id: 'task-1',
      strategy: 'queue',
      status: 'queued',
      queuedAt: 1_000.25,
    });
    expect(task.startedAt).toBeUndefined();
    expect(task.finishedAt).toBeUndefined();
  });

  it('a running job started when BullMQ made it active', () => {
    const task = taskFromJob(job({ processedOn: 1_010 }), 'active');
    expect(task.status).toBe('running');
    expect(task.startedAt).toBe(1_010);
  });

  it('a completed job takes the precise timings and the result from the worker', () => {
    const result = { workload: 'cpu' as const, iterations: 9, elapsedMs: 20, checksum: 7 };
    const task = taskFromJob(
      job({
        processedOn: 1_010,
        finishedOn: 1_031,
        returnvalue: { startedAt: 1_010.5, finishedAt: 1_030.5, result },
      }),
      'completed',
    );
    expect(task).toMatchObject({ status: 'done', startedAt: 1_010.5, finishedAt: 1_030.5, result });
    expect(task.error).toBeUndefined();
  });

  it('a failed job carries BullMQ failedReason and its own timings', () => {
    const task = taskFromJob(
      job({ processedOn: 1_010, finishedOn: 1_012, failedReason: 'injected fault' }),
      'failed',
    );
    expect(task).toMatchObject({
      status: 'failed',
      startedAt: 1_010,
      finishedAt: 1_012,
      error: 'injected fault',
    });
    expect(task.result).toBeUndefined();
  });
});
