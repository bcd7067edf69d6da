import type { CallFrame, CpuProfile } from './cpu-profile.js';
import { OTHER_STACKS_FRAME, type StallFrame, type StallStack } from './stall-document.js';

/** A time window on the profile's clock (monotonic µs). */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

const ROOT = '(root)';
/** V8's pseudo frames: dropped from the top of a stack unless they are all there is. */
const PSEUDO_FRAMES = new Set(['(program)', '(idle)', '(garbage collector)']);

/**
 * A profile ready for windowing: each sample's timestamp (startTime plus the running sum of
 * timeDeltas: the times V8 actually sampled, which drift from the requested interval on a
 * busy box) and each node's parent.
 *
 * A sample stands for the time nearer to it than to its neighbours: from halfway after the
 * previous sample to halfway before the next (the first from startTime, the last to its own
 * timestamp). Charging it all the time since the previous sample instead would shift every
 * stall's frames late by half an interval: the stalling function would lose, on average, half
 * an interval at the stall's end to whatever ran next (at 20 ms, 3 % of a 300 ms stall).
 */
export class ProfileIndex {
  /** sampleTimes[i] is when sample i was taken. */
  readonly sampleTimes: Float64Array;
  readonly sampleNodes: readonly number[];
  private readonly frames = new Map<number, CallFrame>();
  private readonly parents = new Map<number, number>();

  constructor(readonly profile: CpuProfile) {
    this.sampleNodes = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    this.sampleTimes = new Float64Array(this.sampleNodes.length);
    let time = profile.startTime;
    for (let i = 0; i < this.sampleNodes.length; i++) {
      time += deltas[i] ?? 0;
      this.sampleTimes[i] = time;
    }
    for (const node of profile.nodes) {
      this.frames.set(node.id, node.callFrame);
      for (const child of node.children ?? []) this.parents.set(child, node.id);
    }
  }

  /** Index of the first sample taken after `timeUs`. */
  private firstAfter(timeUs: number): number {
    let low = 0;
    let high = this.sampleTimes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.sampleTimes[middle] ?? 0) <= timeUs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The time sample i stands for: halfway to each neighbour (see the class). */
  private spanOf(i: number): { from: number; to: number } {
    const takenAt = this.sampleTimes[i] ?? 0;
    const previous = this.sampleTimes[i - 1];
    const next = this.sampleTimes[i + 1];
    return {
      from: previous === undefined ? this.profile.startTime : (previous + takenAt) / 2,
      to: next === undefined ? takenAt : (takenAt + next) / 2,
    };
  }

  /**
   * The samples inside a window: how many were taken in it, and per leaf node the time (µs)
   * its samples stand for, clipped to the window.
   */
  weigh(window: TimeWindow): { samples: number; weightUs: Map<number, number> } {
    const weightUs = new Map<number, number>();
    let samples = 0;
    // The last sample before the window stands for up to halfway into the gap after it.
    for (
      let i = Math.max(0, this.firstAfter(window.startUs) - 1);
      i < this.sampleTimes.length;
      i++
    ) {
      const takenAt = this.sampleTimes[i] ?? 0;
      const span = this.spanOf(i);
      if (span.from >= window.endUs) break;
      if (takenAt > window.startUs && takenAt <= window.endUs) samples++;
      const overlap = Math.min(span.to, window.endUs) - Math.max(span.from, window.startUs);
      if (overlap <= 0) continue;
      const node = this.sampleNodes[i] ?? 0;
      weightUs.set(node, (weightUs.get(node) ?? 0) + overlap);
    }
    return { samples, weightUs };
  }

  /** The call frames from the root's child down to this node (V8's "(root)" left out). */
  callStack(nodeId: number): CallFrame[] {
    const stack: CallFrame[] = [];
    for (let id: number | undefined = nodeId; id !== undefined; id = this.parents.get(id)) {
      const frame = this.frames.get(id);
      if (frame && frame.functionName !== ROOT) stack.push(frame);
    }
    stack.reverse();
    while (stack.length > 1 && PSEUDO_FRAMES.has(stack[0]?.functionName ?? '')) stack.shift();
    return stack;
  }
}

export interface WindowFold {
  samples: number;
  stacks: StallStack[];
}

const roundMs = (us: number) => Math.round(us) / 1000;

/**
 * The samples of one window folded by stack, heaviest first; past `maxStacks` the lightest
 * are merged into one "(other stacks)" stack so the weights still add up. Resolving frames
 * (source maps) is the costly part, so it is done for the kept stacks only.
 */
export function foldWindow(
  index: ProfileIndex,
  window: TimeWindow,
  resolveFrame: (frame: CallFrame) => StallFrame,
  maxStacks: number,
): WindowFold {
  const { samples, weightUs } = index.weigh(window);
  // A profile node is one call path, so nodes are stacks; only the kept ones are resolved.
  const sorted = [...weightUs].sort((a, b) => b[1] - a[1]);
  const kept = sorted.length > maxStacks ? sorted.slice(0, maxStacks - 1) : sorted;
  const stacks: StallStack[] = kept.map(([node, weight]) => ({
    thread: 'main',
    weightMs: roundMs(weight),
    frames: index.callStack(node).map(resolveFrame),
  }));
  if (kept.length < sorted.length) {
    const otherUs = sorted.slice(kept.length).reduce((sum, [, weight]) => sum + weight, 0);
    stacks.push({ thread: 'main', weightMs: roundMs(otherUs), frames: [OTHER_STACKS_FRAME] });
  }
  return { samples, stacks };
}
