import type { StrategyResult } from '../model.js';
import { frameLocation } from '../report/stalls/frame-text.js';
import type { FoldedStack, FrameRef } from '../stall-model.js';

/**
 * A row's stalled stacks as paths of named frames, root first, the one spelling the flame graph,
 * stalls.folded and stalls.speedscope.json share: the stall's class first (on_cpu, off_cpu, ...),
 * then for a GIL wait the thread that held the GIL, then the frames.
 */
export interface NamedFrame {
  name: string;
  /** The frame itself; undefined for the class and thread levels. */
  frame?: FrameRef;
}

export interface StackPath {
  frames: NamedFrame[];
  weightMs: number;
}

/** `burnCpu (workloads.ts:44)`; a frame without a position is its function alone. */
export function frameName(frame: FrameRef): string {
  const where = frameLocation(frame);
  return where ? `${frame.function} (${where})` : frame.function;
}

export function stackPath(stack: FoldedStack): StackPath {
  const thread =
    stack.kind === 'gil_wait' && stack.thread ? [{ name: `thread ${stack.thread}` }] : [];
  return {
    frames: [
      { name: stack.kind },
      ...thread,
      ...stack.frames.map((frame) => ({ name: frameName(frame), frame })),
    ],
    weightMs: stack.weightMs,
  };
}

/** The rows that have stalled stacks, each with its paths. */
export function rowsWithStacks(
  results: readonly StrategyResult[],
): Array<{ result: StrategyResult; paths: StackPath[] }> {
  return results
    .filter((result) => (result.stalls?.stacks.length ?? 0) > 0)
    .map((result) => ({ result, paths: (result.stalls?.stacks ?? []).map(stackPath) }));
}
