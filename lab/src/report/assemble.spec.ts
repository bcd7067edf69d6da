/**
 * FIXTURE: the RawRun below is synthetic, written by hand so that every number in the report
 * can be worked out on paper (the workings are in the comments). Nothing here was measured.
 *
 * 3 strategies × 3 s, 100 probes each, sent every 30 ms (t = 0, 30, …, 2970):
 * - async:    probe i (1..100) took i ms;
 * - blocking: probe i took 4·i ms, probes 50 and 51 failed (status 0); 2 probes never sent;
 * - pooled:   probe i took 1.2·(101 − i) ms (fast at the end), 1 trigger never sent.
 * Per-second windows of the send time hold probes 1–34, 35–67 and 68–100.
 * Four /metrics samples per strategy; the first (t = 0) is only the baseline of the counters
 * and carries a large warm-up lag that must not show anywhere.
 */
import { describe, expect, it } from 'vitest';
import type {
  Budget,
  MetricsSample,
  RawRun,
  RawStrategyRun,
  RequestRecord,
  RunConfig,
  Strategy,
} from '../model.js';
import { cellMeasurements, localMeasurements } from '../sources/local/local-run.js';
import { buildReport as build, TOOL_VERSION } from './assemble.js';
import { evaluateBudgets } from './budgets.js';
import { cellFigures } from './figures/cell.js';
import { writeVerdict } from './verdict.js';

const INF = Number.POSITIVE_INFINITY;
const LAG_BOUNDS = [0.001, 0.01, 0.1, 1, INF];
const TASK_BOUNDS = [0.01, 0.1, 1, INF];

const zip = (bounds: number[], counts: number[]): Array<[number, number]> =>
  bounds.map((le, i) => [le, counts[i] as number]);

function sample(
  t: number,
  lagWindowMaxMs: number,
  lag: number[],
  eluActiveSeconds: number,
  tasks: Partial<Omit<MetricsSample, 'waitBuckets' | 'runBuckets'>> & {
    wait?: number[];
    run?: number[];
  } = {},
): MetricsSample {
  const { wait, run, ...counters } = tasks;
  return {
    t,
    lagWindowMaxMs,
    lagWindowS: 0,
    pingServerBuckets: [],
    lagBuckets: zip(LAG_BOUNDS, lag),
    eluActiveSeconds,
    tasksDone: 0,
    tasksFailed: 0,
    tasksRejected: 0,
    queueDepth: 0,
    inFlight: 0,
    waitBuckets: wait ? zip(TASK_BOUNDS, wait) : [],
    runBuckets: run ? zip(TASK_BOUNDS, run) : [],
    ...counters,
  };
}

/** 100 probes sent every 30 ms; probe i (1-based) took latency(i) ms. */
function probes(latency: (i: number) => number, failed: number[] = []): RequestRecord[] {
  return Array.from({ length: 100 }, (_, k) => {
    const i = k + 1;
    const ok = !failed.includes(i);
    return {
      role: 'probe',
      t: k * 30,
      latencyMs: latency(i),
      status: ok ? 200 : 0,
      ...(ok ? {} : { error: 'request timeout' }),
    };
  });
}

function triggers(list: Array<[t: number, latencyMs: number, status: number]>): RequestRecord[] {
  return list.map(([t, latencyMs, status]) => ({ role: 'trigger', t, latencyMs, status }));
}

const ASYNC: RawStrategyRun = {
  strategy: 'async',
  target: 'node',
  workload: 'cpu',
  instrumentation: 'on',
  startedAt: '2026-01-10T12:00:05.000Z',
  elapsedMs: 3000,
  expected: { probe: 100, trigger: 3 },
  requests: [
    ...probes((i) => i),
    ...triggers([
      [0, 10, 200],
      [1000, 20, 200],
      [2000, 30, 200],
    ]),
  ],
  samples: [
    sample(0, 50, [100, 100, 100, 100, 100], 10),
    sample(900, 3, [140, 200, 200, 200, 200], 10.09),
    sample(1900, 4, [180, 300, 300, 300, 300], 10.24),
    sample(2900, 2, [220, 400, 400, 400, 400], 10.29),
  ],
};

const BLOCKING: RawStrategyRun = {
  strategy: 'blocking',
  target: 'node',
  workload: 'cpu',
  instrumentation: 'on',
  startedAt: '2026-01-10T12:00:15.000Z',
  elapsedMs: 3000,
  expected: { probe: 102, trigger: 3 },
  requests: [
    ...probes((i) => 4 * i, [50, 51]),
    ...triggers([
      [0, 1, 202],
      [1000, 2, 202],
      [2000, 3, 503],
    ]),
  ],
  samples: [
    sample(0, 900, [100, 100, 100, 100, 100], 20, {
      tasksDone: 5,
      wait: [5, 5, 5, 5],
      run: [5, 5, 5, 5],
    }),
    sample(900, 210, [150, 220, 230, 240, 240], 20.27, {
      tasksDone: 6,
      queueDepth: 1,
      inFlight: 1,
      wait: [5, 6, 6, 6],
      run: [5, 5, 6, 6],
    }),
    sample(1900, 250, [180, 260, 280, 290, 290], 20.77, {
      tasksDone: 7,
      tasksRejected: 1,
      inFlight: 1,
      wait: [6, 7, 8, 8],
      run: [5, 5, 7, 7],
    }),
    sample(2900, 230, [200, 280, 290, 300, 300], 21.17, {
      tasksDone: 8,
      tasksFailed: 1,
      tasksRejected: 1,
      wait: [6, 8, 9, 9],
      run: [5, 5, 9, 9],
    }),
  ],
};

const POOLED: RawStrategyRun = {
  strategy: 'pooled',
  target: 'node',
  workload: 'cpu',
  instrumentation: 'on',
  startedAt: '2026-01-10T12:00:25.000Z',
  elapsedMs: 3000,
  expected: { probe: 100, trigger: 4 },
  requests: [
    ...probes((i) => 1.2 * (101 - i)),
    ...triggers([
      [0, 5, 202],
      [1000, 1000, 0],
      [2000, 7, 503],
    ]),
  ],
  // Two samples in the first second, none in the second (a missed scrape), one in the third.
  samples: [
    sample(0, 40, [100, 100, 100, 100, 100], 30, {
      tasksDone: 10,
      tasksRejected: 2,
      wait: [12, 12, 12, 12],
      run: [0, 12, 12, 12],
    }),
    sample(400, 5, [120, 200, 200, 200, 200], 30.04, {
      tasksDone: 11,
      tasksRejected: 2,
      queueDepth: 2,
      inFlight: 1,
      wait: [13, 14, 14, 14],
      run: [0, 13, 13, 13],
    }),
    sample(900, 6, [140, 300, 300, 300, 300], 30.09, {
      tasksDone: 12,
      tasksRejected: 3,
      queueDepth: 1,
      inFlight: 2,
      wait: [13, 15, 15, 15],
      run: [0, 13, 14, 14],
    }),
    sample(2900, 7, [160, 400, 400, 400, 400], 30.49, {
      tasksDone: 13,
      tasksRejected: 3,
      inFlight: 1,
      wait: [14, 17, 17, 17],
      run: [0, 14, 17, 17],
    }),
  ],
};

const CONFIG: RunConfig = {
  runId: '20260110-120000-fixture',
  strategies: ['async', 'blocking', 'pooled'],
  targets: ['node'],
  workloads: ['cpu'],
  instrumentation: ['on'],
  durationS: 3,
  warmupS: 1,
  probeRate: 100 / 3,
  triggerRate: 1,
  workload: 'cpu',
  workloadMs: 200,
  poolSize: 2,
  timeoutS: 10,
  testid: 'fixture',
  targetUrl: null,
};

function rawRun(runs: RawStrategyRun[] = [ASYNC, BLOCKING, POOLED]): RawRun {
  return {
    schemaVersion: 3,
    config: { ...CONFIG, strategies: runs.map((run) => run.strategy) },
    environment: {
      node: 'v24.21.0',
      platform: 'linux x64',
      cpuModel: 'Fixture CPU',
      cores: 4,
      totalMemoryGiB: 8,
      loadGenerator: { name: 'vegeta', version: 'v12.12.0' },
      pinning: { app: '0-2', load: '3', offLoop: '3' },
      hostname: 'fixture-host',
    },
    startedAt: '2026-01-10T12:00:00.000Z',
    finishedAt: '2026-01-10T12:00:40.000Z',
    runs,
  };
}

const BUDGETS: Budget[] = [
  { name: 'pooled p99 <= 1.5x async', strategy: 'pooled', metric: 'probe.p99', maxRatio: 1.5 },
  {
    name: 'blocking lag <= 100 ms',
    strategy: 'blocking',
    metric: 'eventLoop.lagMaxMs',
    maxMs: 100,
  },
  { name: 'async p99 <= 100 ms', strategy: 'async', metric: 'probe.p99', maxMs: 100 },
];

const CREATED_AT = '2026-01-10T12:01:00.000Z';

/** The report of a raw run through the local source (dated `createdAt`, or by the run). */
function buildReport(raw: RawRun, budgets: Budget[], createdAt?: string) {
  const measured = localMeasurements(raw);
  return build(createdAt ? { ...measured, createdAt } : measured, budgets).report;
}

/** One run's figures before ratios, as the compare runner's progress line reads them. */
const summarizeRun = (run: RawStrategyRun) =>
  cellFigures(cellMeasurements(run, CONFIG.probeRate)).result;

/** Rounds every number (deeply) to 9 decimals, so hand-written decimals compare with floats. */
function rounded<T>(value: T): T {
  if (typeof value === 'number')
    return (Number.isFinite(value) ? Number(value.toFixed(9)) : value) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  }
  return value;
}

function strategyOf(strategy: Strategy, report = buildReport(rawRun(), BUDGETS, CREATED_AT)) {
  const result = report.strategies.find((r) => r.strategy === strategy);
  if (!result) throw new Error(`no ${strategy} in the report`);
  return result;
}

const NAN = Number.NaN;

describe('summarizeRun / buildReport: per-strategy results', () => {
  const report = buildReport(rawRun(), BUDGETS, CREATED_AT);

  it('summarizes async probes with type-7 percentiles of 1..100 ms', () => {
    const async = strategyOf('async', report);
    expect(rounded(async.probe)).toEqual({
      count: 100,
      throughputRps: 33.333333333, // 100 ok / 3 s
      p50: 50.5, // h = 49.5
      p90: 90.1, // h = 89.1
      p95: 95.05, // h = 94.05
      p99: 99.01, // h = 98.01
      max: 100,
      errors: 0,
    });
  });

  it('counts failed probes as errors and leaves them out of the throughput', () => {
    const blocking = strategyOf('blocking', report);
    expect(rounded(blocking.probe)).toEqual({
      count: 100,
      throughputRps: 32.666666667, // 98 ok / 3 s
      p50: 202,
      p90: 360.4,
      p95: 380.2,
      p99: 396.04,
      max: 400,
      errors: 2,
    });
    expect(rounded(strategyOf('pooled', report).probe)).toMatchObject({
      p50: 60.6,
      p99: 118.812,
      max: 120,
      errors: 0,
    });
  });

  it('classifies triggers: 200/202 accepted, 503 rejected, anything else an error', () => {
    expect(rounded(strategyOf('async', report).trigger)).toEqual({
      expected: 3,
      sent: 3,
      accepted: 3,
      rejected: 0,
      errors: 0,
      p50: 20,
      p99: 29.8, // 20 + 0.98 · 10
    });
    expect(rounded(strategyOf('blocking', report).trigger)).toEqual({
      expected: 3,
      sent: 3,
      accepted: 2,
      rejected: 1,
      errors: 0,
      p50: 2,
      p99: 2.98,
    });
    expect(rounded(strategyOf('pooled', report).trigger)).toEqual({
      expected: 4,
      sent: 3,
      accepted: 1,
      rejected: 1,
      errors: 1, // status 0
      p50: 7, // sorted 5, 7, 1000
      p99: 980.14, // 7 + 0.98 · 993
    });
  });

  it('reports dropped iterations as expected − sent over both roles', () => {
    expect(strategyOf('async', report).droppedIterations).toBe(0); // 103 − 103
    expect(strategyOf('blocking', report).droppedIterations).toBe(2); // 105 − 103
    expect(strategyOf('pooled', report).droppedIterations).toBe(1); // 104 − 103
  });

  it('never reports negative dropped iterations when more were sent than expected', () => {
    const extra = summarizeRun({ ...ASYNC, expected: { probe: 90, trigger: 1 } });
    expect(extra.droppedIterations).toBe(0);
  });

  it('takes event-loop lag percentiles from the bucket increase, PromQL style', () => {
    // async increase: ≤1 ms 120, ≤10 ms 300, total 300.
    //   p50: rank 150 in (1, 10] ms: 1 + 9 · 30/180 = 2.5 ms; p99: rank 297: 1 + 9 · 177/180 = 9.85 ms
    // lag max: max(3, 4, 2) = 4, the baseline sample's 50 ms left out.
    // utilization: (10.29 − 10) s / 2.9 s = 0.1
    expect(rounded(strategyOf('async', report).eventLoop)).toEqual({
      lagP50Ms: 2.5,
      lagP99Ms: 9.85,
      lagMaxMs: 4,
      utilization: 0.1,
    });
    // blocking increase: 100, 180, 190, 200, 200.
    //   p50: rank 100 → top of the first bucket, 1 ms; p99: rank 198 in (0.1, 1] s:
    //   100 + 900 · 8/10 = 820 ms. Lag max 250 (not the baseline's 900).
    expect(rounded(strategyOf('blocking', report).eventLoop)).toEqual({
      lagP50Ms: 1,
      lagP99Ms: 820,
      lagMaxMs: 250,
      utilization: rounded(1.17 / 2.9),
    });
    // pooled increase: 60, 300, …: p50 rank 150: 1 + 9 · 90/240 = 4.375 ms;
    //   p99 rank 297: 1 + 9 · 237/240 = 9.8875 ms. Lag max 7 (not the baseline's 40).
    expect(rounded(strategyOf('pooled', report).eventLoop)).toEqual({
      lagP50Ms: 4.375,
      lagP99Ms: 9.8875,
      lagMaxMs: 7,
      utilization: rounded(0.49 / 2.9),
    });
  });

  it('counts tasks as counter increases and takes wait/run percentiles from their buckets', () => {
    // blocking wait increase 1, 3, 4, 4: p50 rank 2: 10 + 90 · 1/2 = 55 ms;
    //   p95 rank 3.8: 100 + 900 · 0.8 = 820 ms; p99 rank 3.96: 100 + 900 · 0.96 = 964 ms.
    // blocking run increase 0, 0, 4, 4: p50 100 + 900 · 2/4 = 550; p95 955; p99 991.
    expect(rounded(strategyOf('blocking', report).tasks)).toEqual({
      completed: 3,
      failed: 1,
      rejected: 1,
      waitP50Ms: 55,
      waitP95Ms: 820,
      waitP99Ms: 964,
      runP50Ms: 550,
      runP95Ms: 955,
      runP99Ms: 991,
    });
    // pooled wait increase 2, 5, 5, 5: p50 rank 2.5: 10 + 90 · 0.5/3 = 25 ms;
    //   p95 rank 4.75: 10 + 90 · 2.75/3 = 92.5; p99 rank 4.95: 10 + 90 · 2.95/3 = 98.5.
    // pooled run increase 0, 2, 5, 5: p50 100 + 900 · 0.5/3 = 250; p95 925; p99 985.
    expect(rounded(strategyOf('pooled', report).tasks)).toEqual({
      completed: 3,
      failed: 0,
      rejected: 1,
      waitP50Ms: 25,
      waitP95Ms: 92.5,
      waitP99Ms: 98.5,
      runP50Ms: 250,
      runP95Ms: 925,
      runP99Ms: 985,
    });
  });

  it('says how well it knows each estimate: the bucket of a histogram quantile, an interval of an exact one', () => {
    const blocking = strategyOf('blocking', report).resolution;
    // Run p50 550 ms and p95 955 ms were interpolated in the (100, 1000] ms bucket.
    expect(blocking['tasks.runP50Ms']).toEqual({ low: 100, high: 1000, kind: 'bucket' });
    expect(blocking['tasks.runP95Ms']).toEqual({ low: 100, high: 1000, kind: 'bucket' });
    expect(blocking['tasks.waitP95Ms']).toEqual({ low: 100, high: 1000, kind: 'bucket' });
    // async probes took 1..100 ms: p99 99.01 ms; of 100 samples, ranks 97..100 (order statistics,
    // 99 ± 1.96·√0.99) hold the true p99 with 95 % confidence.
    expect(strategyOf('async', report).resolution['probe.p99']).toEqual({
      low: 97,
      high: 100,
      kind: 'ci95',
    });
    // No tasks: nothing to resolve.
    expect(strategyOf('async', report).resolution['tasks.runP50Ms']).toBeUndefined();
  });

  it('has no task percentiles for a strategy without task histograms', () => {
    expect(strategyOf('async', report).tasks).toEqual({
      completed: 0,
      failed: 0,
      rejected: 0,
      waitP50Ms: NAN,
      waitP95Ms: NAN,
      waitP99Ms: NAN,
      runP50Ms: NAN,
      runP95Ms: NAN,
      runP99Ms: NAN,
    });
  });

  it('has no event-loop numbers with fewer than two samples', () => {
    const one = summarizeRun({ ...POOLED, samples: POOLED.samples.slice(0, 1) });
    expect(one.eventLoop).toEqual({
      lagP50Ms: NAN,
      lagP99Ms: NAN,
      lagMaxMs: NAN,
      utilization: NAN,
    });
    expect(one.tasks.completed).toBe(0);
    const none = summarizeRun({ ...POOLED, samples: [] });
    expect(none.eventLoop.lagMaxMs).toBeNaN();
    expect(none.tasks).toMatchObject({ completed: 0, failed: 0, rejected: 0 });
    expect(none.tasks.waitP99Ms).toBeNaN();
  });

  it('gives ratios to async, 1 for async itself', () => {
    expect(rounded(strategyOf('async', report).ratios)).toEqual({
      probeP50: 1,
      probeP95: 1,
      probeP99: 1,
      probeMax: 1,
      lagMax: 1,
    });
    expect(rounded(strategyOf('blocking', report).ratios)).toEqual({
      probeP50: 4, // 202 / 50.5
      probeP95: 4,
      probeP99: 4,
      probeMax: 4,
      lagMax: 62.5, // 250 / 4
    });
    expect(rounded(strategyOf('pooled', report).ratios)).toEqual({
      probeP50: 1.2,
      probeP95: 1.2,
      probeP99: 1.2,
      probeMax: 1.2,
      lagMax: 1.75, // 7 / 4
    });
  });

  it('gives NaN ratios when async was not run', () => {
    const subset = buildReport(rawRun([BLOCKING, POOLED]), BUDGETS, CREATED_AT);
    expect(subset.strategies.map((s) => s.strategy)).toEqual(['blocking', 'pooled']);
    for (const result of subset.strategies) {
      expect(result.ratios).toEqual({
        probeP50: NAN,
        probeP95: NAN,
        probeP99: NAN,
        probeMax: NAN,
        lagMax: NAN,
      });
    }
    // The rest does not depend on the baseline.
    expect(strategyOf('blocking', subset).probe).toEqual(strategyOf('blocking').probe);
  });
});

describe('buildReport: series', () => {
  const report = buildReport(rawRun(), BUDGETS, CREATED_AT);
  const seriesOf = (strategy: Strategy) => report.series.filter((p) => p.strategy === strategy);

  it('has one point per second per strategy, in run order', () => {
    expect(report.series.map((p) => `${p.strategy}@${p.t}`)).toEqual([
      'async@1',
      'async@2',
      'async@3',
      'blocking@1',
      'blocking@2',
      'blocking@3',
      'pooled@1',
      'pooled@2',
      'pooled@3',
    ]);
  });

  it('puts probe percentiles of the probes sent in each second, not the triggers', () => {
    // Windows hold probes 1–34, 35–67, 68–100 (latency i ms).
    expect(rounded(seriesOf('async'))).toEqual([
      {
        strategy: 'async',
        row: 'async',
        t: 1,
        probeCount: 34,
        probeP50Ms: 17.5,
        probeP95Ms: 32.35,
        probeP99Ms: 33.67,
        probeMaxMs: 34,
        lagMaxMs: 3, // the sample at 900 ms; the baseline's 50 ms is not shown
        utilization: 0.1, // (10.09 − 10) / 0.9
        queueDepth: 0,
        inFlight: 0,
      },
      {
        strategy: 'async',
        row: 'async',
        t: 2,
        probeCount: 33,
        probeP50Ms: 51,
        probeP95Ms: 65.4,
        probeP99Ms: 66.68,
        probeMaxMs: 67,
        lagMaxMs: 4,
        utilization: 0.15, // (10.24 − 10.09) / 1
        queueDepth: 0,
        inFlight: 0,
      },
      {
        strategy: 'async',
        row: 'async',
        t: 3,
        probeCount: 33,
        probeP50Ms: 84,
        probeP95Ms: 98.4,
        probeP99Ms: 99.68,
        probeMaxMs: 100,
        lagMaxMs: 2,
        utilization: 0.05,
        queueDepth: 0,
        inFlight: 0,
      },
    ]);
  });

  it('shows each second’s lag, utilization and gauges from the samples taken in it', () => {
    const blocking = rounded(seriesOf('blocking'));
    expect(blocking.map((p) => [p.probeP50Ms, p.probeP99Ms, p.probeMaxMs])).toEqual([
      [70, 134.68, 136],
      [204, 266.72, 268],
      [336, 398.72, 400],
    ]);
    expect(blocking.map((p) => p.lagMaxMs)).toEqual([210, 250, 230]);
    expect(blocking.map((p) => p.utilization)).toEqual([0.3, 0.5, 0.4]);
    expect(blocking.map((p) => p.queueDepth)).toEqual([1, 0, 0]);
    expect(blocking.map((p) => p.inFlight)).toEqual([1, 1, 0]);
  });

  it('takes the max over several samples in a second and leaves a second without one empty', () => {
    const pooled = rounded(seriesOf('pooled'));
    // Probes sent late were fast: 1.2 · (67..100), 1.2 · (34..66), 1.2 · (1..33).
    expect(pooled.map((p) => [p.probeCount, p.probeP50Ms, p.probeP95Ms, p.probeMaxMs])).toEqual([
      [34, 100.2, 118.02, 120],
      [33, 60, 77.28, 79.2],
      [33, 20.4, 37.68, 39.6],
    ]);
    // Second 1: samples at 400 and 900 ms (lag 5, 6); the baseline's 40 ms is left out.
    // Second 2: no sample. Second 3: the sample at 2900 ms, compared with the one at 900 ms.
    expect(pooled.map((p) => p.lagMaxMs)).toEqual([6, null, 7]);
    expect(pooled.map((p) => p.utilization)).toEqual([0.1, null, 0.2]); // 0.05/0.5, —, 0.4/2
    expect(pooled.map((p) => p.queueDepth)).toEqual([1, null, 0]);
    expect(pooled.map((p) => p.inFlight)).toEqual([2, null, 1]);
  });

  it('has null probe statistics for a second without probes', () => {
    const sparse: RawStrategyRun = {
      ...ASYNC,
      requests: ASYNC.requests.filter((r) => r.role === 'trigger' || r.t < 1000 || r.t >= 2000),
    };
    const middle = buildReport(rawRun([sparse]), [], CREATED_AT).series[1];
    expect(middle).toMatchObject({
      t: 2,
      probeCount: 0,
      probeP50Ms: null,
      probeP95Ms: null,
      probeP99Ms: null,
      probeMaxMs: null,
      lagMaxMs: 4,
    });
  });
});

describe('buildReport: the report around the results', () => {
  const raw = rawRun();
  const report = buildReport(raw, BUDGETS, CREATED_AT);

  it('carries schema, tool, run id, config, environment and baseline', () => {
    expect(report.schemaVersion).toBe(3);
    expect(report.tool).toEqual({ name: 'looplab', version: TOOL_VERSION });
    expect(report.runId).toBe('20260110-120000-fixture');
    expect(report.createdAt).toBe(CREATED_AT);
    expect(report.config).toEqual(raw.config);
    expect(report.environment).toEqual(raw.environment);
    expect(report.baseline).toBe('async');
    expect(report.strategies.map((s) => s.strategy)).toEqual(['async', 'blocking', 'pooled']);
  });

  it('writes the verdict from the results', () => {
    expect(report.verdict).toBe(writeVerdict(report.strategies, 'async'));
    expect(report.verdict).toBe(
      'With async as the baseline, /ping p99 was 99.0 ms; blocking raised it to 396.0 ms (4.00×); ' +
        'pooled kept it at 118.8 ms (1.20×). ' +
        'Max event-loop lag: async 4.0 ms, blocking 250.0 ms, pooled 7.0 ms. ' +
        // 396.04 / 118.812 = 3.33
        "For background work, pooled wins: other requests' p99 is 3.33× lower than with blocking. " +
        "Ranked by /ping p99: 1. async 99.0 ms; 2. pooled 118.8 ms (the wait moves to the pool's queue: task wait p95 92.5 ms); " +
        '3. blocking 396.0 ms (every request queued behind a job waits: max lag 250.0 ms). ' +
        'Warning: under blocking, 2 probe request(s) failed and 2 request(s) could not be sent on schedule. ' +
        'Warning: under pooled, 0 probe request(s) failed and 1 request(s) could not be sent on schedule.',
    );
  });

  it('evaluates the budgets against the results', () => {
    expect(report.budgets).toEqual(evaluateBudgets(BUDGETS, report.strategies, 'async'));
    expect(rounded(report.budgets.map((b) => [b.name, b.actual, b.limit, b.passed]))).toEqual([
      ['pooled p99 <= 1.5x async', 1.2, 1.5, true],
      ['blocking lag <= 100 ms', 250, 100, false],
      ['async p99 <= 100 ms', 99.01, 100, true],
    ]);
  });

  it('fails the ratio budget and mentions the missing baseline without async', () => {
    const subset = buildReport(rawRun([BLOCKING, POOLED]), BUDGETS, CREATED_AT);
    expect(subset.verdict).toMatch(/^No async baseline in this run/);
    expect(subset.budgets.map((b) => b.name)).toEqual([
      'pooled p99 <= 1.5x async',
      'blocking lag <= 100 ms',
    ]);
    expect(subset.budgets[0]?.actual).toBeNaN();
    expect(subset.budgets[0]?.passed).toBe(false);
  });

  it('is pure: the same input gives a deep-equal report and the input is not changed', () => {
    const before = structuredClone(raw);
    const budgets = structuredClone(BUDGETS);
    const again = buildReport(raw, budgets, CREATED_AT);
    expect(again).toEqual(report);
    expect(buildReport(structuredClone(raw), budgets, CREATED_AT)).toEqual(report);
    expect(raw).toEqual(before);
    expect(budgets).toEqual(BUDGETS);
  });

  it('dates the report with the run itself when no createdAt is given, so rebuilds are identical', () => {
    const stamped = buildReport(raw, [], undefined);
    expect(stamped.createdAt).toBe(raw.finishedAt);
    expect(buildReport(raw, [], undefined)).toEqual(stamped);
    expect({ ...stamped, createdAt: CREATED_AT, budgets: report.budgets }).toEqual(report);
  });
});

describe('buildReport: the max-delay window must lie inside the measured phase', () => {
  // Hand-made fixture: the app's max gauge remembers 2 s, so a reading taken before t = 2 s
  // still shows the stall of the previous strategy (400 ms) and must not count. The phase's own
  // delays all fall in the ≤ 10 ms bucket (5 more per second).
  const windowed = (lagWindowMaxMs: number, t: number) => {
    const grown = 10 + 5 * (t / 1000);
    return { ...sample(t, lagWindowMaxMs, [10, grown, grown, grown, grown], 1), lagWindowS: 2 };
  };
  const run: RawStrategyRun = {
    ...ASYNC,
    samples: [windowed(400, 0), windowed(400, 1000), windowed(6, 2000), windowed(5, 3000)],
  };

  it('ignores readings whose window reaches back before the phase', () => {
    const report = buildReport(rawRun([run]), [], CREATED_AT);
    expect(report.strategies[0]?.eventLoop.lagMaxMs).toBe(6);
    // Each second: its reading, capped by the highest delay bucket that filled in that second.
    expect(report.series.map((point) => point.lagMaxMs)).toEqual([10, 6, 5]);
  });

  it('caps the readings by the phase’s own delay histogram when the phase is shorter than the window', () => {
    // Issue 7: the previous strategy's 400 ms stall must not become this phase's max.
    const short = { ...run, samples: run.samples.slice(0, 2) };
    expect(buildReport(rawRun([short]), [], CREATED_AT).strategies[0]?.eventLoop.lagMaxMs).toBe(10);
  });
});
