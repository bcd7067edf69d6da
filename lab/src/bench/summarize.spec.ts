import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBenchRun, writeBenchRun } from './bench-file.js';
import { BENCH_SCHEMA, type BenchRun, type RoundResult } from './bench-run.js';
import { renderBenchDiff } from './diff.js';
import { renderBench } from './render.js';
import {
  compareNamed,
  costShares,
  goals,
  loadBoundWarnings,
  roundWarnings,
  SATURATED_BUSY,
  summarizeRounds,
} from './summarize.js';
import { variantsNamed } from './variants.js';

function round(
  variant: string,
  n: number,
  reqPerS: number,
  p99Ms: number,
  cpu: number,
  busy = 0.99,
): RoundResult {
  return {
    variant,
    round: n,
    reqPerS,
    p50Ms: p99Ms / 4,
    p99Ms,
    maxMs: p99Ms * 2,
    requests: reqPerS * 10,
    cpuUsPerReq: cpu,
    mainCpuUsPerReq: cpu * 0.9,
    busy,
    stealShare: 0.02,
    saturated: busy >= SATURATED_BUSY,
    loadAverage: 1.5,
    tracesSeen: variant === 'bare' ? null : variant !== 'off',
    problems: [],
  };
}

const variants = variantsNamed(['bare', 'off', 'default']);
// bare 40k, off 20k, default 18k req/s (medians of the three rounds each).
const rounds = [
  ...[39_000, 40_000, 41_000].map((rps, i) => round('bare', i + 1, rps, 1, 25)),
  ...[19_000, 20_000, 30_000].map((rps, i) => round('off', i + 1, rps, 2, 50)),
  ...[18_000, 17_000, 19_000].map((rps, i) => round('default', i + 1, rps, 2.5, 55)),
];

function benchRun(runId: string, rs = rounds): BenchRun {
  const summary = summarizeRounds(rs, variants);
  const attribution = compareNamed(summary, rs, 'default', 'no-attribution');
  return {
    schema: BENCH_SCHEMA,
    runId,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    settings: {
      variants: variants.map((variant) => variant.name),
      rounds: 3,
      warmupS: 1,
      durationS: 3,
      connections: 10,
      ratePerS: null,
      saturatedBusy: SATURATED_BUSY,
      quick: true,
      pinning: { app: '0', load: '1' },
      node: 'v24',
      load: 'wrk',
    },
    rounds: rs,
    summary,
    shares: costShares(summary),
    attribution,
    baseline: null,
    goals: goals(summary, attribution),
    loadAverage: { start: [1, 1, 1], end: [2, 1, 1] },
    warnings: roundWarnings(rs, variants),
  };
}

describe('bench summary', () => {
  it('takes medians per variant and compares each with off and with bare Fastify', () => {
    const [bare, off, dflt] = summarizeRounds(rounds, variants);
    expect(off?.reqPerS).toBe(20_000);
    expect(off?.vsOff).toBeNull();
    // The median of the per-round ratios 18/19, 17/20 and 19/30.
    expect(dflt?.vsOff?.throughput).toBeCloseTo(0.85, 6);
    expect(dflt?.vsOff?.p50).toBeCloseTo(1.25, 6);
    expect(dflt?.vsOff?.p99).toBeCloseTo(1.25, 6);
    expect(dflt?.vsOff?.p99AddedMs).toBeCloseTo(0.5, 6);
    expect(dflt?.vsOff?.cpuUsAdded).toBeCloseTo(5, 6);
    expect(dflt?.vsBare?.throughput).toBeCloseTo(18 / 39, 6);
    expect(bare?.vsBare).toBeNull();
  });

  it('pairs the variants round by round, so drift between rounds cancels', () => {
    // Round 3 ran on a machine twice as fast for both variants; the ratio is 0.8 in every round.
    const drifting = [
      ...[20_000, 20_000, 40_000].map((rps, i) => round('off', i + 1, rps, 2, 1e6 / rps)),
      ...[16_000, 16_000, 32_000].map((rps, i) => round('default', i + 1, rps, 2, 1e6 / rps)),
      round('default', 4, 50_000, 2, 20),
    ];
    const [, dflt] = summarizeRounds(drifting, variantsNamed(['off', 'default']));
    expect(dflt?.vsOff?.throughput).toBeCloseTo(0.8, 6);
    expect(dflt?.vsOff?.capacity).toBeCloseTo(0.8, 6);
  });

  it('gives the capacity ratio from CPU per request, and how busy each server was', () => {
    const [bare, off, dflt] = summarizeRounds(rounds, variants);
    expect(dflt?.vsOff?.capacity).toBeCloseTo(50 / 55, 6);
    expect(dflt?.vsBare?.capacity).toBeCloseTo(25 / 55, 6);
    expect([bare?.busy, off?.busy, dflt?.busy]).toEqual([0.99, 0.99, 0.99]);
    expect(dflt?.saturatedRounds).toBe(3);
    expect(dflt?.vsOff?.pairs).toBe(3);
  });

  it("leaves a load-bound variant out of every ratio, its own and the others'", () => {
    // bare Fastify's server sat idle a quarter of the time: wrk, not bare, set its req/s.
    const idleBare = [
      ...rounds.filter((r) => r.variant !== 'bare'),
      ...[1, 2, 3].map((n) => round('bare', n, 30_000, 1, 25, 0.75)),
    ];
    const summary = summarizeRounds(idleBare, variants);
    const [bare, off, dflt] = summary;
    expect(bare?.loadBound).toBe(true);
    expect(off?.loadBound).toBe(false);
    expect(dflt?.vsBare).toBeNull();
    expect(bare?.vsOff).toBeNull();
    expect(dflt?.vsOff?.throughput).toBeCloseTo(0.85, 6);
    expect(costShares(summary)?.time).toBeNull();
    expect(costShares(summary)?.cpu).not.toBeNull();
    const warnings = loadBoundWarnings(summary, idleBare);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^bare: LOAD-BOUND, server main thread busy 75 % .*left out of every ratio/,
    );
    expect(renderBench(benchRun('idle', idleBare))).toMatch(/bare .* 75 % +LOAD-BOUND/);
  });

  it('drops a round in which either server was not saturated from the pairs', () => {
    // Round 3's default was load-bound (90 % busy): only rounds 1 and 2 pair with off.
    const oneIdleRound = rounds.map((r) =>
      r.variant === 'default' && r.round === 3 ? { ...r, busy: 0.9, saturated: false } : r,
    );
    const summary = summarizeRounds(oneIdleRound, variants);
    const dflt = summary.find((s) => s.variant === 'default');
    expect(dflt?.loadBound).toBe(false);
    expect(dflt?.saturatedRounds).toBe(2);
    expect(dflt?.vsOff?.pairs).toBe(2);
    // The median of 18/19 and 17/20.
    expect(dflt?.vsOff?.throughput).toBeCloseTo((18 / 19 + 17 / 20) / 2, 6);
    expect(loadBoundWarnings(summary, oneIdleRound)).toEqual([
      'round 3 default: server busy 90 %, not saturated: this round enters no ratio',
    ]);
  });

  it('does not check saturation at a fixed rate (vegeta), which is meant to stay below it', () => {
    const fixedRate = rounds.map((r) => ({ ...r, busy: 0.5, saturated: null }));
    const summary = summarizeRounds(fixedRate, variants);
    expect(summary.every((s) => !s.loadBound)).toBe(true);
    expect(summary[2]?.vsOff?.pairs).toBe(3);
    expect(loadBoundWarnings(summary, fixedRate)).toEqual([]);
  });

  it('splits the cost over bare Fastify into framework and instrumentation', () => {
    const shares = costShares(summarizeRounds(rounds, variants));
    // 25 µs (bare) → 50 µs (off) → 55.6 µs (default) per request at saturation.
    expect(shares?.time?.frameworkUs).toBeCloseTo(25, 6);
    expect(shares?.time?.instrumentationUs).toBeCloseTo(1e6 / 18_000 - 50, 6);
    expect(
      (shares?.time?.frameworkShare ?? 0) + (shares?.time?.instrumentationShare ?? 0),
    ).toBeCloseTo(1, 9);
    expect(shares?.cpu).toMatchObject({ frameworkUs: 25, instrumentationUs: 5 });
    expect(shares?.cpu?.frameworkShare).toBeCloseTo(25 / 30, 9);
    expect(costShares(summarizeRounds(rounds, variantsNamed(['off', 'default'])))).toBeNull();
  });

  it('holds the default to the issue-16 and issue-10 goals', () => {
    const result = goals(summarizeRounds(rounds, variants));
    expect(result.map((goal) => [goal.source, goal.measure, goal.name, goal.met])).toEqual([
      ['issue 16', 'throughput', 'default throughput vs off', true],
      ['issue 16', 'capacity', 'default capacity vs off', true],
      ['issue 16', 'latency', 'default p99 vs off', true],
      ['issue 10', 'throughput', 'default throughput vs bare Fastify', false],
      ['issue 10', 'capacity', 'default capacity vs bare Fastify', false],
    ]);
  });

  it('measures stall attribution as the default over no-attribution, held to issue 17', () => {
    const withAttribution = variantsNamed(['default', 'no-attribution']);
    // Attribution costs 1 % of req/s in every round and adds 0.5 ms to p99, then 1.5 ms.
    const pairs = [
      round('no-attribution', 1, 20_000, 2, 50),
      round('default', 1, 19_800, 2.5, 50.5),
      round('no-attribution', 2, 10_000, 2, 100),
      round('default', 2, 9_900, 3.5, 101),
    ];
    const summary = summarizeRounds(pairs, withAttribution);
    const attribution = compareNamed(summary, pairs, 'default', 'no-attribution');
    expect(attribution?.throughput).toBeCloseTo(0.99, 6);
    expect(attribution?.capacity).toBeCloseTo((50 / 50.5 + 100 / 101) / 2, 6);
    expect(attribution?.p99AddedMs).toBeCloseTo(1, 6);
    expect(compareNamed(summary, pairs, 'default', 'off')).toBeNull();
    const result = goals(summary, attribution).filter((goal) => goal.source === 'issue 17');
    expect(result.map((goal) => [goal.name, goal.target, goal.met])).toEqual([
      ['attribution on vs off, throughput', '≥ 0.98×', true],
      ['attribution on vs off, capacity', '≥ 0.98×', true],
      ['attribution on vs off, p99 added', '≤ +1 ms', true],
    ]);
  });

  it('warns when a variant did not trace as it should, or had failed requests', () => {
    const odd = [
      { ...round('off', 1, 1, 1, 1), tracesSeen: true },
      { ...round('default', 1, 1, 1, 1), problems: ['3× status 503'] },
    ];
    expect(roundWarnings(odd, variants)).toEqual([
      'round 1 off: /ping exemplars had trace ids, expected none',
      'round 1 default: 3× status 503',
    ]);
  });
});

describe('bench.json and the diff', () => {
  it('round-trips a run, NaN as null, and names what changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-spec-'));
    try {
      const before = benchRun('before');
      const after = benchRun(
        'after',
        rounds.map((r) => (r.variant === 'default' ? { ...r, reqPerS: r.reqPerS * 1.1 } : r)),
      );
      after.summary[0] = {
        ...(after.summary[0] as (typeof after.summary)[number]),
        p99Ms: Number.NaN,
      };
      writeBenchRun(join(dir, 'a'), before);
      writeBenchRun(join(dir, 'b'), after);
      const [a, b] = [readBenchRun(join(dir, 'a')), readBenchRun(join(dir, 'b', 'bench.json'))];
      expect(a).toEqual(JSON.parse(JSON.stringify(before)));
      expect(b.summary[0]?.p99Ms).toBeNull();
      const diff = renderBenchDiff(a, b);
      expect(diff).toContain('before → after');
      expect(diff).toMatch(/default\s+18000 → 19800\s+\+10 %/);
      expect(renderBench(a)).toContain(
        'MISSED  default throughput vs bare Fastify: 0.46× (target ≥ 0.7×; req/s as measured; issue 10)',
      );
      expect(renderBench(a)).toContain(
        'MISSED  default capacity vs bare Fastify: 0.45× (target ≥ 0.7×; 1 / CPU per request; issue 10)',
      );
      expect(() => readBenchRun(join(dir, 'missing'))).toThrow('no bench run at');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
