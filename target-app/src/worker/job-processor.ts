import type { SandboxedJob } from 'bullmq';
import { preciseNow } from '../common/clock.js';
import type { QueueJobData, QueueJobResult } from '../strategies/queue/queue-job.js';
import { runTaskWorkload } from '../workloads/run-task.js';

/**
 * BullMQ's sandboxed processor, run on a worker thread of the worker process: the synchronous
 * workload blocks that thread only, so the process's own loop keeps renewing the job's lock in
 * Redis and answering /metrics however long the job runs.
 */
export default function processQueueJob(
  job: SandboxedJob<QueueJobData, QueueJobResult>,
): QueueJobResult {
  const startedAt = preciseNow();
  // `crash` is refused by the API for this strategy; only `throw` reaches the worker.
  const fault = job.data.fault === 'throw' ? 'throw' : undefined;
  const result = runTaskWorkload(job.data.spec, fault);
  return { startedAt, finishedAt: preciseNow(), result };
}
