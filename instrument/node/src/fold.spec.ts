import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallFrame, CpuProfile } from './cpu-profile.js';
import { foldWindow, ProfileIndex, type TimeWindow } from './fold.js';
import { FrameResolver } from './frames.js';
import type { StallStack } from './stall-document.js';

const frame = (functionName: string, url = 'file:///app/x.js', lineNumber = 0): CallFrame => ({
  functionName,
  scriptId: functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

/**
 * (root) ─┬─ (program)            node 2
 *         ├─ a ── b               nodes 3, 4
 *         └─ (garbage collector)  node 5
 * Samples at 1010, 1020, 1050, 1060, 1070 ms (irregular: the 30 ms gap is a late sampler).
 */
const synthetic: CpuProfile = {
  startTime: 1_000_000,
  endTime: 1_080_000,
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 3, 5] },
    { id: 2, callFrame: frame('(program)', '', -1) },
    { id: 3, callFrame: frame('a', 'file:///app/x.js', 4), children: [4] },
    { id: 4, callFrame: frame('b', 'file:///app/x.js', 9) },
    { id: 5, callFrame: frame('(garbage collector)', '', -1) },
  ],
  samples: [4, 4, 3, 2, 5],
  timeDeltas: [10_000, 10_000, 30_000, 10_000, 10_000],
};

const resolver = new FrameResolver();
const fold = (profile: CpuProfile, window: TimeWindow, maxStacks = 50) =>
  foldWindow(new ProfileIndex(profile), window, resolver.resolve, maxStacks);
const names = (stack: StallStack) => stack.frames.map((f) => f.function);
const ms = (value: number) => value * 1000;

describe('folding the samples of a stall window', () => {
  it('weights each sample by the time nearer to it than to its neighbours (its timestamps), clipped to the window', () => {
    const result = fold(synthetic, { startUs: ms(1015), endUs: ms(1055) });
    // Taken inside the window: the samples at 1020 and 1050.
    expect(result.samples).toBe(2);
    expect(result.stacks.map((s) => [names(s), s.weightMs])).toEqual([
      // The sampler was 30 ms late: each side of the gap gets half of it, not one interval.
      [['a', 'b'], 20], // the sample at 1020 stands for 1015..1035 (the one at 1010 ends at 1015)
      [['a'], 20], // the sample at 1050 stands for 1035..1055, clipped to the window's end
    ]);
  });

  it('gives the first sample the time from the start, and the last none after it', () => {
    const head = fold(synthetic, { startUs: ms(1000), endUs: ms(1005) });
    expect(head.stacks.map((s) => [names(s), s.weightMs])).toEqual([[['a', 'b'], 5]]);
    expect(fold(synthetic, { startUs: ms(1070), endUs: ms(1080) }).stacks).toEqual([]);
  });

  it("drops V8's (root) and keeps a stack that is only a pseudo frame as itself", () => {
    const result = fold(synthetic, { startUs: ms(1066), endUs: ms(1070) });
    expect(result.stacks.map(names)).toEqual([['(garbage collector)']]);
    expect(result.stacks.flatMap(names)).not.toContain('(root)');
  });

  it('gives frames a file path and 1-based lines', () => {
    const [stack] = fold(synthetic, { startUs: ms(1000), endUs: ms(1020) }).stacks;
    expect(stack?.frames).toEqual([
      { function: 'a', file: '/app/x.js', line: 5, column: 1 },
      { function: 'b', file: '/app/x.js', line: 10, column: 1 },
    ]);
  });

  it('merges the lightest stacks past the limit into one "(other stacks)", weights still adding up', () => {
    const window = { startUs: ms(1000), endUs: ms(1080) };
    const all = fold(synthetic, window);
    const bounded = fold(synthetic, window, 2);
    expect(bounded.stacks).toHaveLength(2);
    expect(bounded.stacks[0]).toEqual(all.stacks[0]);
    expect(bounded.stacks[1]?.frames).toEqual([
      { function: '(other stacks)', file: '', line: null, column: null },
    ]);
    const total = (stacks: StallStack[]) => stacks.reduce((sum, s) => sum + s.weightMs, 0);
    expect(total(bounded.stacks)).toBeCloseTo(total(all.stacks), 6);
  });

  it('finds nothing outside the samples', () => {
    expect(fold(synthetic, { startUs: ms(2000), endUs: ms(3000) })).toEqual({
      samples: 0,
      stacks: [],
    });
  });
});

describe('a recorded profile: 60 ms in burnCpu, then 40 ms in sleepFor', () => {
  const fixture = JSON.parse(
    readFileSync(join(__dirname, '..', 'test', 'fixtures', 'burn-sleep.cpuprofile.json'), 'utf8'),
  ) as { profile: CpuProfile; windows: Record<'burn' | 'sleep', TimeWindow> };
  const leafShare = (window: TimeWindow, leaf: string) => {
    const { stacks } = fold(fixture.profile, window);
    const named = stacks
      .filter((s) => s.frames.some((f) => f.function === leaf))
      .reduce((sum, s) => sum + s.weightMs, 0);
    return named / ((window.endUs - window.startUs) / 1000);
  };

  it.each([
    ['burn', 'burnCpu'],
    ['sleep', 'sleepFor'],
  ] as const)('the %s window is %s for at least 90 percent of its length', (name, leaf) => {
    expect(leafShare(fixture.windows[name], leaf)).toBeGreaterThanOrEqual(0.9);
  });

  it('counts exactly the samples whose timestamps fall inside the window', () => {
    const { profile, windows } = fixture;
    let time = profile.startTime;
    const times = (profile.timeDeltas ?? []).map((delta) => {
      time += delta;
      return time;
    });
    for (const window of Object.values(windows)) {
      const inside = times.filter((t) => t >= window.startUs && t <= window.endUs).length;
      expect(fold(profile, window).samples).toBe(inside);
      expect(inside).toBeGreaterThan(5);
    }
  });
});
