import type { TaskStatus } from '@looplab/contract';
import type { Job } from 'bullmq';
import type { Task } from '../../common/tasks/task.js';
import type { QueueJobData, QueueJobResult } from './queue-job.js';

/** BullMQ's job states as the app's task statuses: waiting, delayed, prioritized... are queued. */
export function statusOfJob(state: string): TaskStatus {
  switch (state) {
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'active':
      return 'running';
    default:
      return 'queued';
  }
}

/**
 * A queue job read back from Redis, as the task GET /tasks/:id shows. The worker's return
 * value has the precise timings; a running or failed job only has BullMQ's own (whole ms).
 */
export function taskFromJob(job: Job<QueueJobData, QueueJobResult>, state: string): Task {
  const status = statusOfJob(state);
  const outcome: QueueJobResult | undefined =
    status === 'done' ? (job.returnvalue ?? undefined) : undefined;
  const finished = status === 'done' || status === 'failed';
  return {
    id: String(job.id),
    strategy: 'queue',
    spec: job.data.spec,
    fault: job.data.fault,
    status,
    queuedAt: job.data.queuedAt,
    startedAt: outcome?.startedAt ?? (status === 'queued' ? undefined : job.processedOn),
    finishedAt: outcome?.finishedAt ?? (finished ? job.finishedOn : undefined),
    result: outcome?.result,
    error: status === 'failed' ? job.failedReason : undefined,
    origin: job.data.origin,
  };
}
