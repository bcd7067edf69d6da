import { iterationMeaning, WORKLOAD_KINDS, type WorkloadKind } from '@looplab/contract';

/** What one iteration of each kind is here, so iteration counts mean the same on every machine. */
export const ITERATION_MEANING = Object.fromEntries(
  WORKLOAD_KINDS.map((kind) => [kind, iterationMeaning(kind, 'node')]),
) as Record<WorkloadKind, string>;
