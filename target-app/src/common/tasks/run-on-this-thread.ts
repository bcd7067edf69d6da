import { runTaskWorkload } from '../../workloads/run-task.js';
import { preciseNow } from '../clock.js';
import type { Task } from './task.js';
import { describeError, type TaskLifecycle } from './task-executor.js';

/** Runs a task's workload synchronously on the calling thread and reports its start and end. */
export function runOnThisThread(task: Task, lifecycle: TaskLifecycle): void {
  const startedAt = preciseNow();
  lifecycle.started(task, startedAt);
  try {
    const result = runTaskWorkload(task.spec, task.fault);
    lifecycle.finished(task, { startedAt, finishedAt: preciseNow(), result });
  } catch (error) {
    lifecycle.finished(task, { startedAt, finishedAt: preciseNow(), error: describeError(error) });
  }
}
