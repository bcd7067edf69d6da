import { workloadsData } from './generated.js';
import type { Runtime } from './strategies.js';

export type WorkloadKind = (typeof workloadsData.kinds)[number]['name'];
export const WORKLOAD_KINDS = workloadsData.kinds.map((k) => k.name) as readonly WorkloadKind[];
export const WORKLOAD_MS = workloadsData.ms;
export const MIN_ITERATIONS = workloadsData.iterations.min;

export type InjectedFault = (typeof workloadsData.faults)[number];
export const INJECTED_FAULTS: readonly InjectedFault[] = workloadsData.faults;

export type TaskStatus = (typeof workloadsData.taskStatuses)[number];
export const TASK_STATUSES: readonly TaskStatus[] = workloadsData.taskStatuses;
export type TaskOutcome = (typeof workloadsData.outcomes)[number];
export const TASK_OUTCOMES: readonly TaskOutcome[] = workloadsData.outcomes;

export function isWorkloadKind(value: string): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value);
}

function kindEntry(kind: WorkloadKind) {
  const entry = workloadsData.kinds.find((k) => k.name === kind);
  if (!entry) throw new Error(`unknown workload ${kind}`);
  return entry;
}

export const MAX_ITERATIONS = Object.fromEntries(
  workloadsData.kinds.map((k) => [k.name, k.maxIterations]),
) as Record<WorkloadKind, number>;

/** What one iteration of a kind is on a runtime (iteration counts mean the same on every machine). */
export function iterationMeaning(kind: WorkloadKind, runtime: Runtime): string {
  return kindEntry(kind).iteration[runtime];
}
