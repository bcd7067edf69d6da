import { BroadcastChannel } from 'node:worker_threads';
import { runTaskWorkload } from './run-task.js';
import {
  preciseNow,
  TASK_STARTED_CHANNEL,
  type TaskStartedMessage,
  type WorkerOutcome,
  type WorkerTask,
} from './worker-protocol.js';

const started = new BroadcastChannel(TASK_STARTED_CHANNEL);
started.unref();

/** Piscina entry point: runs one task on this worker thread. */
export default function runInWorker(task: WorkerTask): WorkerOutcome {
  const startedAt = preciseNow();
  started.postMessage({ id: task.id, startedAt } satisfies TaskStartedMessage);
  if (task.fault === 'crash') {
    // Ends this worker thread only; piscina fails the task and starts a replacement.
    process.exit(70);
  }
  const result = runTaskWorkload(task.spec, task.fault);
  return { startedAt, finishedAt: preciseNow(), result };
}
