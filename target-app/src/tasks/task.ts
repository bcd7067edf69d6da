import type { WorkloadResult, WorkloadSpec } from './workloads.js';

export const BACKGROUND_STRATEGIES = ['blocking', 'pooled'] as const;
export type BackgroundStrategy = (typeof BACKGROUND_STRATEGIES)[number];

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'rejected';
export type TaskOutcome = Extract<TaskStatus, 'done' | 'failed' | 'rejected'>;

/** Opt-in faults (LOOPLAB_FAULT_INJECTION=on) to prove failure handling end to end. */
export type InjectedFault = 'throw' | 'crash';

export interface TaskRequest {
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
}

export interface Task {
  id: string;
  strategy: BackgroundStrategy;
  spec: WorkloadSpec;
  fault?: InjectedFault | undefined;
  status: TaskStatus;
  /** Epoch milliseconds (fractional). */
  queuedAt: number;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  result?: WorkloadResult | undefined;
  error?: string | undefined;
  /** Trace context of the request that enqueued the task, for span links. */
  origin?: { traceId: string; spanId: string; traceFlags: number } | undefined;
}

export interface TaskView {
  id: string;
  strategy: BackgroundStrategy;
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

export function waitMs(task: Task): number | undefined {
  return task.startedAt === undefined ? undefined : task.startedAt - task.queuedAt;
}

export function runMs(task: Task): number | undefined {
  return task.startedAt === undefined || task.finishedAt === undefined
    ? undefined
    : task.finishedAt - task.startedAt;
}

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
