/**
 * Strategy names grouped the way panel descriptions talk about them, from the contract (so a
 * new strategy shows up in every description that concerns it).
 */
import { BASELINE_STRATEGY, METRICS, STRATEGIES, type StrategyDefinition } from '@looplab/contract';

const names = (keep: (s: StrategyDefinition) => boolean): string =>
  STRATEGIES.filter(keep)
    .map((s) => s.name)
    .join(', ');

/** Strategies meant to keep the event loop free (the baseline excluded). */
export const OFF_LOOP = names((s) => s.offLoop && s.name !== BASELINE_STRATEGY);
const sliced = (s: StrategyDefinition): boolean =>
  (METRICS.taskSlice.strategies ?? []).includes(s.name);
/** Strategies that run the work on the event loop in slices (the ones with slice metrics). */
export const SLICED = names(sliced);
/** Strategies that run the work on the event loop, all at once. */
export const ON_LOOP = names((s) => !s.offLoop && !sliced(s));
/** Strategies that answer 202 once the work is accepted. */
export const ACCEPTED = names((s) => s.status === 202);
/** Strategies that answer 200 after the work (or the awaited I/O) is done. */
export const ANSWERED_AFTER = names((s) => s.status === 200);
