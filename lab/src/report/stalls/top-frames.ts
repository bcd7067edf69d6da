import type { FoldedStack, FrameRef, TopFrame } from '../../stall-model.js';
import { blamedIndex } from './frame-origin.js';

/** Frames a row lists in report.json (the flame graph and the folded files hold every one). */
export const TOP_FRAMES = 10;

/**
 * What a frame's line is: Node's profile gives the line a function starts on, so a line tells two
 * functions of one file apart (`(anonymous)` twice); Python's sampler gives the line running, so
 * one function appears at several lines and is one frame here, named by its heaviest line.
 */
export type FrameLines = 'function' | 'running';

interface Tally {
  frame: FrameRef;
  kind: TopFrame['kind'];
  inclusiveMs: number;
  selfMs: number;
  /** Time by line, to name a function of several lines by its heaviest. */
  byLine: Map<number | null, number>;
}

/**
 * The frames that held the loop, heaviest first, per class: a frame's self share is the time of
 * the stacks blamed on it (frame-origin.ts: the innermost frame of the app's own code), its
 * inclusive share the time of every stack it is in (once per stack, recursion or not), both as
 * % of all the stacks' time. Only frames something is blamed on are listed.
 */
export function topFrames(
  stacks: readonly FoldedStack[],
  lines: FrameLines = 'function',
  limit = TOP_FRAMES,
): TopFrame[] {
  const totalMs = stacks.reduce((sum, stack) => sum + stack.weightMs, 0);
  if (totalMs <= 0) return [];
  const tallies = new Map<string, Tally>();
  const tally = (kind: TopFrame['kind'], frame: FrameRef): Tally => {
    const key = JSON.stringify([
      kind,
      frame.function,
      frame.file,
      lines === 'function' ? frame.line : null,
    ]);
    let found = tallies.get(key);
    if (!found) {
      found = { frame, kind, inclusiveMs: 0, selfMs: 0, byLine: new Map() };
      tallies.set(key, found);
    }
    return found;
  };
  for (const stack of stacks) {
    const seen = new Set<Tally>();
    for (const frame of stack.frames) {
      const entry = tally(stack.kind, frame);
      seen.add(entry);
      entry.byLine.set(frame.line, (entry.byLine.get(frame.line) ?? 0) + stack.weightMs);
    }
    for (const entry of seen) entry.inclusiveMs += stack.weightMs;
    const blamed = stack.frames[blamedIndex(stack.frames)];
    if (blamed) tally(stack.kind, blamed).selfMs += stack.weightMs;
  }
  return [...tallies.values()]
    .filter((entry) => entry.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs || b.inclusiveMs - a.inclusiveMs)
    .slice(0, limit)
    .map(({ frame, kind, inclusiveMs, selfMs, byLine }) => ({
      function: frame.function,
      file: frame.file,
      line: heaviest(byLine) ?? frame.line,
      kind,
      sharePct: (100 * inclusiveMs) / totalMs,
      selfPct: (100 * selfMs) / totalMs,
    }));
}

function heaviest(byLine: Map<number | null, number>): number | null | undefined {
  let best: [number | null, number] | undefined;
  for (const entry of byLine) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}
