import type { InjectedFault } from './task.js';
import { runWorkload, type WorkloadResult, type WorkloadSpec } from './workloads.js';

export class InjectedFaultError extends Error {
  constructor() {
    super('injected fault: the workload threw');
    this.name = 'InjectedFaultError';
  }
}

/** Runs a task's workload, honouring an injected `throw` fault (`crash` is the worker's job). */
export function runTaskWorkload(spec: WorkloadSpec, fault?: InjectedFault): WorkloadResult {
  if (fault === 'throw') throw new InjectedFaultError();
  return runWorkload(spec);
}
