import { BroadcastChannel } from 'node:worker_threads';
import {
  type PoolOutcome,
  type PoolTask,
  runPoolTask,
  type TaskStartedMessage,
} from '../../workloads/pool-task.js';
import { TASK_STARTED_CHANNEL } from './task-started-channel.js';

const started = new BroadcastChannel(TASK_STARTED_CHANNEL);
started.unref();

/** Piscina entry point: runs one task on this worker thread. */
export default function runInWorker(task: PoolTask): PoolOutcome {
  return runPoolTask(task, (message: TaskStartedMessage) => started.postMessage(message));
}
