import type { InjectedFault } from '@looplab/contract';
import { runWorkload, type WorkloadResult, type WorkloadSpec } from './workloads.js';

export class InjectedFaultError extends Error {
  constructor() {
    super('injected fault: the workload threw');
    this.name = 'InjectedFaultError';
  }
}

/** Fails the task when its injected fault is `throw` (`crash` is the pool worker's job). */
export function throwIfFaulted(fault: InjectedFault | undefined): void {
  if (fault === 'throw') throw new InjectedFaultError();
}

/** Runs a task's workload, honouring an injected `throw` fault. */
export function runTaskWorkload(spec: WorkloadSpec, fault?: InjectedFault): WorkloadResult {
  throwIfFaulted(fault);
  return runWorkload(spec);
}
