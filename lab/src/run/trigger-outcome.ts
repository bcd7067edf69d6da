import { isStrategyName, strategy as strategyEntry } from '@looplab/contract';
import type { Strategy } from '../model.js';

/**
 * The one rule for what a trigger's answer means, for the client metrics the runner exports and
 * for the report: a strategy's success status from the contract (200 when it answers after the
 * work, 202 when it accepts it), a variant of your own service's any 2xx; 503 (and 429 from your
 * own service) a rejection (queue full, Redis missing, too many requests), anything else an error.
 */
export const REJECTED_STATUS = 503;
/** A service's own "too many requests": a rejection too, for a variant. */
const TOO_MANY_REQUESTS = 429;

export type TriggerOutcome = 'accepted' | 'rejected' | 'error';

/** Whether a status is success: the strategy's own, or any 2xx for a name the contract lacks. */
export function isAccepted(strategy: Strategy, status: number): boolean {
  return isStrategyName(strategy)
    ? status === strategyEntry(strategy).status
    : status >= 200 && status < 300;
}

export function isRejected(strategy: Strategy, status: number): boolean {
  return status === REJECTED_STATUS || (!isStrategyName(strategy) && status === TOO_MANY_REQUESTS);
}

export function triggerOutcome(strategy: Strategy, status: number): TriggerOutcome {
  if (isAccepted(strategy, status)) return 'accepted';
  return isRejected(strategy, status) ? 'rejected' : 'error';
}
