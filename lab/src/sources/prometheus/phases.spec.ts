import { describe, expect, it } from 'vitest';
import { latestRun, parseDurationS } from './phases.js';
import type { Series } from './series.js';

/** looplab_run_phase scraped every second over [from, to] (inclusive). */
function phase(strategy: string, name: string, ...ranges: Array<[number, number]>): Series {
  const t = ranges.flatMap(([from, to]) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i),
  );
  return {
    labels: { __name__: 'looplab_run_phase', testid: 'x', strategy, phase: name },
    t,
    v: t.map(() => 1),
  };
}

describe('latestRun', () => {
  it('finds each strategy’s measure phase, in order, with its warm-up', () => {
    const run = latestRun([
      phase('pooled', 'measure', [140, 153]),
      phase('async', 'warmup', [106, 107]),
      phase('async', 'measure', [108, 121]),
      phase('blocking', 'warmup', [122, 123]),
      phase('blocking', 'measure', [124, 137]),
      phase('pooled', 'warmup', [138, 139]),
    ]);
    expect(run?.interval).toBe(1);
    expect(run?.phases.map((p) => [p.strategy, p.start, p.end])).toEqual([
      ['async', 107.5, 121.5],
      ['blocking', 123.5, 137.5],
      ['pooled', 139.5, 153.5],
    ]);
    expect(run?.phases[0]?.warmup).toMatchObject({ first: 106, last: 107 });
    expect(run?.warmupS).toBe(2);
    expect(run?.earlierPhases).toBe(0);
  });

  it('keeps only the latest run when a testid was used twice', () => {
    const run = latestRun([
      phase('async', 'measure', [0, 9], [500, 509]),
      phase('blocking', 'measure', [12, 21], [512, 521]),
    ]);
    expect(run?.phases.map((p) => [p.strategy, p.first])).toEqual([
      ['async', 500],
      ['blocking', 512],
    ]);
    expect(run?.earlierPhases).toBe(2);
  });

  it('ends the run (walking back) at a strategy seen twice, even without a pause', () => {
    const run = latestRun([
      phase('async', 'measure', [0, 9], [24, 33]),
      phase('blocking', 'measure', [12, 21]),
    ]);
    expect(run?.phases.map((p) => p.strategy)).toEqual(['blocking', 'async']);
    expect(run?.earlierPhases).toBe(1);
  });

  it('finds nothing without a measure phase, and reports unknown strategies', () => {
    expect(latestRun([phase('async', 'warmup', [0, 3])])).toBeUndefined();
    const run = latestRun([phase('async', 'measure', [0, 3]), phase('mystery', 'measure', [5, 8])]);
    expect(run?.phases.map((p) => p.strategy)).toEqual(['async']);
    expect(run?.unknownStrategies).toEqual(['mystery']);
  });
});

describe('parseDurationS', () => {
  it('reads Prometheus durations', () => {
    expect(parseDurationS('24h')).toBe(86_400);
    expect(parseDurationS('1h30m')).toBe(5400);
    expect(parseDurationS('7d')).toBe(604_800);
    expect(parseDurationS('90s')).toBe(90);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '24', 'h', '1.5h', '2x', '10ms', '-1h'])
      expect(() => parseDurationS(bad), bad).toThrow();
  });
});

describe('latestRun with the target label (--target node,fastapi)', () => {
  const on = (target: string, series: Series): Series => ({
    ...series,
    labels: { ...series.labels, target },
  });

  it('keeps the same strategy of two targets as two phases of one run, each with its target', () => {
    const run = latestRun([
      on('node', phase('async', 'measure', [10, 20])),
      on('fastapi', phase('async', 'measure', [30, 40])),
    ]);
    expect(run?.phases.map((p) => `${p.target}:${p.strategy}`)).toEqual([
      'node:async',
      'fastapi:async',
    ]);
    expect(run?.earlierPhases).toBe(0);
  });

  it('still takes the same strategy of one target twice for an earlier run', () => {
    const run = latestRun([
      on('node', phase('async', 'measure', [10, 20])),
      on('node', phase('async', 'measure', [30, 40])),
    ]);
    expect(run?.phases).toHaveLength(1);
    expect(run?.earlierPhases).toBe(1);
  });
});
