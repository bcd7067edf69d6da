import { strategy as strategyEntry } from '@looplab/contract';
import type { Strategy } from '../model.js';

/**
 * The one rule for what a trigger's answer means, for the client metrics the runner exports and
 * for the report: the strategy's success status from the contract (200 when it answers after the
 * work, 202 when it accepts it), 503 a rejection (queue full, Redis missing), anything else an
 * error.
 */
export const REJECTED_STATUS = 503;

export type TriggerOutcome = 'accepted' | 'rejected' | 'error';

export function acceptedStatus(strategy: Strategy): number {
  return strategyEntry(strategy).status;
}

export function triggerOutcome(strategy: Strategy, status: number): TriggerOutcome {
  if (status === acceptedStatus(strategy)) return 'accepted';
  return status === REJECTED_STATUS ? 'rejected' : 'error';
}
