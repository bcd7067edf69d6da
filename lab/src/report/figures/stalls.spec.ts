import { describe, expect, it } from 'vitest';
import { blockingStalls, stall } from '../../../test/fixtures/sample-stalls.js';
import type { MetricsSample } from '../../model.js';
import type { AppTimeline, ClientView, StallEvidence } from '../../sources/measurements.js';
import type { StallCounters, StallRecord, StallsAnswer } from '../../stall-model.js';
import { blankStrategyResult } from '../__fixtures__/strategy-result.js';
import { stallVerdict } from '../stall-verdict.js';
import { NO_STALL_LIST, stallsOf } from './stalls.js';

const PHASE_START = 1_764_690_000_000;

function scrape(t: number, stalls?: StallCounters): MetricsSample {
  return {
    t,
    lagWindowMaxMs: 0,
    lagWindowS: 2,
    pingServerBuckets: [],
    lagBuckets: [],
    eluActiveSeconds: 0,
    tasksDone: 0,
    tasksFailed: 0,
    tasksRejected: 0,
    queueDepth: 0,
    inFlight: 0,
    waitBuckets: [],
    runBuckets: [],
    ...(stalls ? { stalls } : {}),
  };
}

/** Three scrapes over a 3 s phase: 5 on-CPU stalls (1 s) and one off-CPU (0.2 s) in it. */
const COUNTED: AppTimeline = {
  samples: [
    scrape(0, { count: { on_cpu: 2 }, seconds: { on_cpu: 0.4 }, thresholdS: 0.05 }),
    scrape(1500, {
      count: { on_cpu: 4, off_cpu: 1 },
      seconds: { on_cpu: 0.8, off_cpu: 0.2 },
      thresholdS: 0.05,
    }),
    scrape(3000, {
      count: { on_cpu: 7, off_cpu: 1 },
      seconds: { on_cpu: 1.4, off_cpu: 0.2 },
      thresholdS: 0.05,
    }),
  ],
  from: 0,
  to: 3000,
  scrapeIntervalMs: 1500,
};

const CLIENT = { seconds: 3 } as ClientView;

function answer(stalls: StallsAnswer['stalls'], extra: Partial<StallsAnswer> = {}): StallsAnswer {
  return {
    schemaVersion: 1,
    runtime: 'node',
    attribution: true,
    thresholdMs: 50,
    sampleIntervalMs: 5,
    next: 40,
    dropped: 0,
    stalls,
    ...extra,
  };
}

const fetched = (stalls: StallsAnswer['stalls'], extra: Partial<StallsAnswer> = {}) =>
  ({
    stalls: { status: 'fetched', droppedBefore: 0, answer: answer(stalls, extra) },
    phaseStartMs: PHASE_START,
  }) satisfies StallEvidence;

describe('a row’s stalls', () => {
  it('counts stalls and stalled time by class from the counters at the phase’s two instants', () => {
    const figures = stallsOf(COUNTED, CLIENT, undefined);
    expect(figures).toMatchObject({
      count: 6,
      thresholdMs: 50,
      byClass: { on_cpu: { count: 5 }, off_cpu: { count: 1 } },
    });
    expect(figures?.stalledMs).toBeCloseTo(1200, 9);
    expect(figures?.byClass.on_cpu?.stalledMs).toBeCloseTo(1000, 9);
  });

  it('names the frames of the stalls that ended in the phase, time-weighted', () => {
    // Six stalls end at 0.5 s, 1 s, ... 3 s; one more after the last scrape is not the phase's.
    const stalls = [...blockingStalls(6, PHASE_START), stall(PHASE_START + 3200, 202, [])];
    const figures = stallsOf(COUNTED, CLIENT, fetched(stalls));
    expect(figures?.attribution).toEqual({
      state: 'on',
      stalls: 6,
      stalledMs: 6 * 202,
      dropped: 0,
      waitedForCpuMs: 0,
    });
    expect(figures?.top[0]).toMatchObject({ function: 'burnCpu', line: 44, kind: 'on_cpu' });
    expect(figures?.top[0]?.selfPct).toBeCloseTo((100 * 196) / 202, 9);
    expect(figures?.stacks.reduce((sum, s) => sum + s.weightMs, 0)).toBeCloseTo(6 * 202, 9);
  });

  it('takes the stalls the counters counted by their numbers, where a time window would not', () => {
    // Counted 2 by the first scrape (t = 0) and 8 by the last (t = 3000): stalls 2 to 7.
    // They end every 500 ms up to t = 3000 ms.
    const numbered = blockingStalls(8, PHASE_START - 1000).map((s, seq) => ({ ...s, seq }));
    // Stall 2 held up the first scrape: it ended 5 ms before the scrape was stamped, yet the
    // scrape had read the counters before it was counted.
    numbered[1] = { ...(numbered[1] as StallRecord), endMs: PHASE_START - 300 };
    numbered[2] = { ...(numbered[2] as StallRecord), endMs: PHASE_START - 5 };
    const figures = stallsOf(COUNTED, CLIENT, fetched(numbered, { next: 8 }));
    expect(figures?.attribution.stalls).toBe(6);
    expect(figures?.count).toBe(6);
    // Numbers that do not match the counters (the app restarted): by the time they ended.
    const renumbered = numbered.map((s) => ({ ...s, seq: s.seq + 100 }));
    const byTime = stallsOf(COUNTED, CLIENT, fetched(renumbered, { next: 108 }));
    expect(byTime?.attribution.stalls).toBe(5);
  });

  it('says why there are no frames: a target without the stall list, attribution off, Prometheus', () => {
    const notServed = stallsOf(COUNTED, CLIENT, {
      stalls: { status: 'unavailable', reason: 'GET /looplab/stalls answered 404' },
      phaseStartMs: PHASE_START,
    });
    expect(notServed).toMatchObject({ count: 6, top: [], stacks: [] });
    expect(notServed?.attribution).toMatchObject({
      state: 'unavailable',
      note: 'no attribution from this target: GET /looplab/stalls answered 404',
    });

    const off = stallsOf(
      COUNTED,
      CLIENT,
      fetched(
        blockingStalls(2, PHASE_START).map((s) => ({ ...s, stacks: [] })),
        { attribution: false },
      ),
    );
    expect(off?.attribution).toMatchObject({ state: 'off', stalls: 2 });
    expect(off?.attribution.note).toMatch(/LOOPLAB_ATTRIBUTION=off/);
    expect(off?.top).toEqual([]);

    const prometheus = stallsOf(COUNTED, CLIENT, undefined);
    expect(prometheus?.attribution).toMatchObject({ state: 'unavailable', note: NO_STALL_LIST });
  });

  it('counts the stalls the app dropped during the phase before the runner read them', () => {
    const evidence = fetched([], { dropped: 7 });
    if (evidence.stalls.status === 'fetched') evidence.stalls.droppedBefore = 4;
    expect(stallsOf(COUNTED, CLIENT, evidence)?.attribution.dropped).toBe(3);
  });

  it('is unknown for an app that neither counts nor lists stalls, NaN for one that only lists', () => {
    const silent: AppTimeline = { ...COUNTED, samples: COUNTED.samples.map((s) => scrape(s.t)) };
    expect(stallsOf(silent, CLIENT, undefined)).toBeUndefined();
    const listed = stallsOf(silent, CLIENT, fetched(blockingStalls(2, PHASE_START)));
    expect(listed?.count).toBeNaN();
    expect(listed?.thresholdMs).toBe(50);
    expect(listed?.attribution.stalls).toBe(2);
  });
});

describe('the verdict on what blocked the loop', () => {
  it('names each stalling row’s top frame, its share and the stalled time, and skips the others', () => {
    const blocking = blankStrategyResult('blocking');
    blocking.stalls = stallsOf(COUNTED, CLIENT, fetched(blockingStalls(6, PHASE_START)));
    const pooled = blankStrategyResult('pooled');
    pooled.stalls = stallsOf(
      { ...COUNTED, samples: COUNTED.samples.map((s) => scrape(s.t, { count: {}, seconds: {} })) },
      CLIENT,
      fetched([]),
    );
    expect(stallVerdict([pooled, blocking])).toBe(
      'What blocked the loop: blocking: 97 % of 1.2 s stalled in `burnCpu` (workloads.ts:44).',
    );
    expect(stallVerdict([pooled])).toBe('');
  });

  it('says when a row stalled but its frames are unknown, and names a class other than on_cpu', () => {
    const blocking = blankStrategyResult('blocking');
    blocking.stalls = stallsOf(COUNTED, CLIENT, undefined);
    expect(stallVerdict([blocking])).toBe(
      `What blocked the loop: blocking: 6 stalls, 1.2 s (${NO_STALL_LIST}).`,
    );
    const sleep = blankStrategyResult('blocking');
    sleep.stalls = stallsOf(
      COUNTED,
      CLIENT,
      fetched(blockingStalls(1, PHASE_START).map((s) => ({ ...s, class: 'off_cpu' as const }))),
    );
    expect(stallVerdict([sleep])).toMatch(/stalled in `burnCpu` \(workloads\.ts:44, off_cpu\)\.$/);
  });

  it('says how long the loop thread had no CPU in its on_cpu stalls, still naming the code', () => {
    // A busy machine: the jobs held the loop for 202 ms each and ran for a quarter of it.
    const busy = blockingStalls(6, PHASE_START).map((s) => ({ ...s, cpuMs: s.durationMs / 4 }));
    const blocking = blankStrategyResult('blocking');
    blocking.stalls = stallsOf(COUNTED, CLIENT, fetched(busy));
    expect(blocking.stalls?.attribution.waitedForCpuMs).toBeCloseTo(6 * 202 * 0.75, 9);
    expect(blocking.stalls?.top[0]?.function).toBe('burnCpu');
    expect(stallVerdict([blocking])).toBe(
      'What blocked the loop: blocking: 97 % of 1.2 s stalled in `burnCpu` (workloads.ts:44), the loop thread without a CPU for 75 % of it.',
    );
  });
});
