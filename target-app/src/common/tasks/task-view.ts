import type { StrategyName, TaskStatus } from '@looplab/contract';
import type { WorkloadResult, WorkloadSpec } from '../../workloads/workloads.js';
import { runMs, type Task, waitMs } from './task.js';

/** What GET /tasks/:id (and POST /inline) answer about a task. */
export interface TaskView {
  id: string;
  strategy: StrategyName;
  workload: WorkloadSpec;
  status: TaskStatus;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  wait_ms: number | null;
  run_ms: number | null;
  result: WorkloadResult | null;
  error: string | null;
}

const iso = (epochMs: number | undefined) =>
  epochMs === undefined ? null : new Date(epochMs).toISOString();
const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function toTaskView(task: Task): TaskView {
  const wait = waitMs(task);
  const run = runMs(task);
  return {
    id: task.id,
    strategy: task.strategy,
    workload: task.spec,
    status: task.status,
    queued_at: new Date(task.queuedAt).toISOString(),
    started_at: iso(task.startedAt),
    finished_at: iso(task.finishedAt),
    wait_ms: wait === undefined ? null : round(wait),
    run_ms: run === undefined ? null : round(run),
    result: task.result ?? null,
    error: task.error ?? null,
  };
}
