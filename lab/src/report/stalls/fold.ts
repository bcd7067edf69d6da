import type { FoldedStack, FrameRef, StallRecord, StallStack } from '../../stall-model.js';

/** Distinct stacks a row keeps (heaviest first); the lighter ones are merged, per class. */
export const MAX_STACKS = 200;

export const OTHER_STACKS = '(other stacks)';
/** The time of a stall the app gave no stack for (attribution on, no sample in its window). */
export const NO_SAMPLES = '(no samples)';

const pseudoFrame = (name: string): FrameRef => ({ function: name, file: '', line: null });

/** A stack's frames without the column; a stack with none names its thread instead. */
function framesOf(stack: StallStack): FrameRef[] {
  if (stack.frames.length === 0)
    return [pseudoFrame(stack.thread.startsWith('(') ? stack.thread : `(${stack.thread})`)];
  return stack.frames.map((frame) => ({
    function: frame.function,
    file: frame.file,
    line: frame.line,
  }));
}

const keyOf = (stack: Omit<FoldedStack, 'weightMs'>): string =>
  JSON.stringify([stack.kind, stack.thread, stack.frames.map((f) => [f.function, f.file, f.line])]);

/**
 * Folds the stalls of a row into one weight per distinct stack (its class and thread included),
 * weighted by time: each stall counts for its duration, shared among its stacks in proportion to
 * their weights (the samples' own durations), so a stall the sampler saw less of still counts for
 * what it held the loop. A stall without stacks counts as `(no samples)`.
 */
export function foldStalls(stalls: readonly StallRecord[]): FoldedStack[] {
  const folded = new Map<string, FoldedStack>();
  const add = (stack: Omit<FoldedStack, 'weightMs'>, weightMs: number) => {
    const key = keyOf(stack);
    const found = folded.get(key);
    if (found) found.weightMs += weightMs;
    else folded.set(key, { ...stack, weightMs });
  };
  for (const stall of stalls) {
    const sampled = stall.stacks.reduce((sum, stack) => sum + stack.weightMs, 0);
    if (sampled <= 0) {
      add({ kind: stall.class, thread: '', frames: [pseudoFrame(NO_SAMPLES)] }, stall.durationMs);
      continue;
    }
    for (const stack of stall.stacks)
      add(
        { kind: stall.class, thread: stack.thread, frames: framesOf(stack) },
        (stall.durationMs * stack.weightMs) / sampled,
      );
  }
  return bounded([...folded.values()].sort((a, b) => b.weightMs - a.weightMs));
}

/** The MAX_STACKS heaviest stacks, the rest merged into one `(other stacks)` per class. */
function bounded(sorted: FoldedStack[]): FoldedStack[] {
  if (sorted.length <= MAX_STACKS) return sorted;
  const kept = sorted.slice(0, MAX_STACKS);
  const rest = new Map<FoldedStack['kind'], FoldedStack>();
  for (const stack of sorted.slice(MAX_STACKS)) {
    const other = rest.get(stack.kind);
    if (other) other.weightMs += stack.weightMs;
    else
      rest.set(stack.kind, {
        kind: stack.kind,
        thread: '',
        frames: [pseudoFrame(OTHER_STACKS)],
        weightMs: stack.weightMs,
      });
  }
  return [...kept, ...rest.values()].sort((a, b) => b.weightMs - a.weightMs);
}

/**
 * The stalls that ended inside a phase's span (from, to], ms since the phase began: the span the
 * stall counters are read over (for an app whose stall numbers do not follow its counters).
 */
export function stallsEndingIn(
  stalls: readonly StallRecord[],
  phaseStartMs: number,
  from: number,
  to: number,
): StallRecord[] {
  return stalls.filter((stall) => {
    const end = stall.endMs - phaseStartMs;
    return end > from && end <= to;
  });
}
