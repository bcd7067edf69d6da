import { describe, expect, it } from 'vitest';
import type { Strategy, StrategyResult } from '../model.js';
import { blankStrategyResult } from './__fixtures__/strategy-result.js';
import { writeVerdict } from './verdict.js';

interface Numbers {
  p99: number;
  /** This p99 over the baseline's, as buildReport computes it. */
  ratio: number;
  lagMaxMs: number;
  errors?: number;
  dropped?: number;
}

/** A StrategyResult with only the numbers the verdict reads; the rest is NaN / 0. */
function result(strategy: Strategy, n: Numbers): StrategyResult {
  const blank = blankStrategyResult(strategy);
  return {
    ...blank,
    probe: { ...blank.probe, count: 1000, throughputRps: 50, p99: n.p99, errors: n.errors ?? 0 },
    trigger: { ...blank.trigger, expected: 30, sent: 30, accepted: 30 },
    droppedIterations: n.dropped ?? 0,
    eventLoop: { ...blank.eventLoop, lagMaxMs: n.lagMaxMs },
    ratios: { ...blank.ratios, probeP99: n.ratio },
  };
}

// The design doc's example: blocking 3.1 → 640 ms, pooled 3.4 ms.
const async = result('async', { p99: 3.1, ratio: 1, lagMaxMs: 2.5 });
const blocking = result('blocking', { p99: 640, ratio: 640 / 3.1, lagMaxMs: 655.2 });
const pooled = result('pooled', { p99: 3.4, ratio: 3.4 / 3.1, lagMaxMs: 4 });

describe('writeVerdict', () => {
  it('writes the whole paragraph for a healthy three-strategy run', () => {
    expect(writeVerdict([async, blocking, pooled], 'async')).toBe(
      'With async as the baseline, /ping p99 was 3.1 ms; ' +
        'blocking raised it to 640.0 ms (206×); pooled kept it at 3.4 ms (1.10×). ' +
        'Max event-loop lag: async 2.5 ms, blocking 655.2 ms, pooled 4.0 ms. ' +
        // 640 / 3.4 = 188.2
        "For background work, pooled wins: other requests' p99 is 188× lower than with blocking. " +
        'Ranked by /ping p99: 1. async 3.1 ms; 2. pooled 3.4 ms; ' +
        '3. blocking 640.0 ms (every request queued behind a job waits: max lag 655.2 ms).',
    );
  });

  it('says "raised" from 1.5× up and "kept" below', () => {
    const at = result('blocking', { p99: 4.65, ratio: 1.5, lagMaxMs: 5 });
    const below = result('pooled', { p99: 4.6, ratio: 1.49, lagMaxMs: 5 });
    const text = writeVerdict([async, at, below], 'async');
    expect(text).toContain('blocking raised it to 4.7 ms (1.50×)');
    expect(text).toContain('pooled kept it at 4.6 ms (1.49×)');
  });

  it('names blocking the winner when its p99 is the lower one', () => {
    const slowPool = result('pooled', { p99: 50, ratio: 50 / 3.1, lagMaxMs: 4 });
    const fastBlocking = result('blocking', { p99: 10, ratio: 10 / 3.1, lagMaxMs: 12 });
    expect(writeVerdict([async, fastBlocking, slowPool], 'async')).toContain(
      "For background work, blocking wins: other requests' p99 is 5.00× lower than with pooled.",
    );
  });

  it('names no winner with fewer than two background strategies', () => {
    expect(writeVerdict([async, pooled], 'async')).not.toContain('wins');
    expect(writeVerdict([async, blocking], 'async')).not.toContain('wins');
    expect(writeVerdict([async], 'async')).toBe(
      'With async as the baseline, /ping p99 was 3.1 ms. Max event-loop lag: async 2.5 ms.',
    );
  });

  it('lists every p99 without ratios when the baseline is missing', () => {
    const noBase = [
      result('blocking', { p99: 640, ratio: Number.NaN, lagMaxMs: 655.2 }),
      result('pooled', { p99: 3.4, ratio: Number.NaN, lagMaxMs: 4 }),
    ];
    const text = writeVerdict(noBase, 'async');
    expect(text).toBe(
      'No async baseline in this run; /ping p99: blocking 640.0 ms, pooled 3.4 ms. ' +
        'Max event-loop lag: blocking 655.2 ms, pooled 4.0 ms. ' +
        "For background work, pooled wins: other requests' p99 is 188× lower than with blocking. " +
        'Ranked by /ping p99: 1. pooled 3.4 ms; ' +
        '2. blocking 640.0 ms (every request queued behind a job waits: max lag 655.2 ms).',
    );
    expect(text).not.toMatch(/raised|kept/);
  });

  it('shows a dash for a missing number instead of NaN', () => {
    const noLag = result('pooled', { p99: 3.4, ratio: 3.4 / 3.1, lagMaxMs: Number.NaN });
    const text = writeVerdict([async, noLag], 'async');
    expect(text).toContain('pooled –');
    expect(text).not.toContain('NaN');
  });

  it('warns about failed probes and dropped iterations, per strategy', () => {
    const failing = result('blocking', {
      p99: 640,
      ratio: 640 / 3.1,
      lagMaxMs: 655.2,
      errors: 2,
      dropped: 3,
    });
    const dropping = result('pooled', { p99: 3.4, ratio: 3.4 / 3.1, lagMaxMs: 4, dropped: 1 });
    const text = writeVerdict([async, failing, dropping], 'async');
    expect(text).toContain(
      'Warning: under blocking, 2 probe request(s) failed and 3 request(s) could not be sent on schedule.',
    );
    expect(text).toContain(
      'Warning: under pooled, 0 probe request(s) failed and 1 request(s) could not be sent on schedule.',
    );
    expect(text).not.toContain('under async');
    // Warnings come last.
    expect(text.indexOf('wins')).toBeLessThan(text.indexOf('Warning'));
  });

  it('does not warn about a healthy run', () => {
    expect(writeVerdict([async, blocking, pooled], 'async')).not.toContain('Warning');
  });

  it('names no winner when a background strategy has no p99 to compare', () => {
    // All of pooled's probes failed: there is nothing to rank it by.
    const noProbes = result('pooled', {
      p99: Number.NaN,
      ratio: Number.NaN,
      lagMaxMs: 4,
      errors: 5,
    });
    const text = writeVerdict([async, blocking, noProbes], 'async');
    expect(text).not.toContain('wins');
    expect(text).toContain('Warning: under pooled, 5 probe request(s) failed');
  });

  it('ranks N strategies by probe p99 and names each trade-off with its number', () => {
    const blank = (strategy: Strategy) => blankStrategyResult(strategy);
    const chunked = {
      ...result('chunked', { p99: 12, ratio: 12 / 3.1, lagMaxMs: 6.2 }),
      tasks: { ...blank('chunked').tasks, runP50Ms: 310 },
      costs: { sliceMaxMs: 5 },
    };
    const slowBlocking = { ...blocking, tasks: { ...blocking.tasks, runP50Ms: 205 } };
    const proc = {
      ...result('process', { p99: 3.6, ratio: 3.6 / 3.1, lagMaxMs: 4 }),
      costs: { poolWorkers: 1, poolMemoryMiB: 48.4, memoryPerWorkerMiB: 48.4 },
    };
    const queue = {
      ...result('queue', { p99: 3.9, ratio: 3.9 / 3.1, lagMaxMs: 4 }),
      costs: { enqueueP50Ms: 0.8, enqueueP99Ms: 2.6 },
    };
    const inline = {
      ...result('inline', { p99: 620, ratio: 200, lagMaxMs: 640 }),
      trigger: { ...blank('inline').trigger, p50: 402 },
    };
    const text = writeVerdict([async, inline, slowBlocking, chunked, pooled, proc, queue], 'async');
    expect(text).toContain(
      'Ranked by /ping p99: 1. async 3.1 ms; 2. pooled 3.4 ms; ' +
        '3. process 3.6 ms (+48 MiB per child process (1 child)); ' +
        '4. queue 3.9 ms (+2.6 ms to accept (enqueue p99, durably in Redis), survives restarts); ' +
        '5. chunked 12.0 ms (lag bounded by the slice: max lag 6.2 ms (slices ≤ 5.0 ms), the job 1.51× slower than in one piece (run p50 310.0 ms vs 205.0 ms)); ' +
        '6. inline 620.0 ms (the caller waits for the job: trigger p50 402.0 ms); ' +
        '7. blocking 640.0 ms (every request queued behind a job waits: max lag 655.2 ms).',
    );
  });

  it('writes one paragraph per group when rows differ in target, workload or tracing', () => {
    const inGroup = (r: StrategyResult, workload: 'cpu' | 'sleep') => ({
      ...r,
      target: 'node' as const,
      workload,
      instrumentation: 'on' as const,
    });
    const text = writeVerdict(
      [
        inGroup(async, 'cpu'),
        inGroup(pooled, 'cpu'),
        inGroup(async, 'sleep'),
        inGroup(blocking, 'sleep'),
      ],
      'async',
    );
    const paragraphs = text.split('\n\n');
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toMatch(/^\[node, cpu, tracing on\] With async as the baseline/);
    expect(paragraphs[1]).toMatch(/^\[node, sleep, tracing on\] .*blocking raised it to 640\.0 ms/);
  });
});
