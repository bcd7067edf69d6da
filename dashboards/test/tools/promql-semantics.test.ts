/**
 * The comparison dashboard's tricky queries, evaluated by the real Prometheus engine
 * (promtool test rules) on a synthetic compare run: one strategy at a time, warm-up then measure,
 * client counters that keep their last value after their strategy ends, app series without run
 * labels. Checks that warm-up is excluded, that app series are attributed to the right strategy
 * by time, that a stall at the end of one phase does not leak into the next, and that ratios
 * match each run's own async baseline.
 */
import { describe, expect, it } from 'vitest';
import { substituteVariables } from '../../src/extract.js';
import {
  EVENT_LOOP_DELAY_MAX_BY_STRATEGY,
  MEASURE_MAX_EVENT_LOOP_DELAY,
  MEASURE_PROBE_REQUESTS,
  MEASURE_STALLS_OVER_50MS,
  MEASURE_TASKS_DONE,
  measureProbeQuantile,
  measureProbeQuantileRatioToAsync,
} from '../../src/queries.js';
import { type ExprTest, testExpressions } from '../support/promtool.js';

const STEP_S = 5;
const END_S = 700;
const TIMES = Array.from({ length: END_S / STEP_S + 1 }, (_, i) => i * STEP_S);

type Strategy = 'async' | 'blocking' | 'pooled';
interface Phase {
  testid: string;
  strategy: Strategy;
  phase: 'warmup' | 'measure';
  /** First scrape (s) that sees the phase running; the last one is `to - STEP_S`. */
  from: number;
  to: number;
}

/** Two runs: t1 (async, blocking, pooled) and later t2 (async, blocking); 30 s warm-up, 90 s measure. */
const PHASES: Phase[] = [];
for (const [testid, start, strategies] of [
  ['t1', 0, ['async', 'blocking', 'pooled']],
  ['t2', 400, ['async', 'blocking']],
] as const) {
  strategies.forEach((strategy, index) => {
    const from = start + index * 120;
    PHASES.push({ testid, strategy, phase: 'warmup', from, to: from + 30 });
    PHASES.push({ testid, strategy, phase: 'measure', from: from + 30, to: from + 120 });
  });
}
const phaseAt = (t: number): Phase | undefined => PHASES.find((p) => t >= p.from && t < p.to);

/** A gauge: value at each scrape, undefined = no sample, 'stale' = the series just went away. */
function gaugeValues(value: (t: number) => number | undefined | 'stale'): string {
  return TIMES.map((t) => {
    const v = value(t);
    return v === undefined ? '_' : String(v);
  }).join(' ');
}

/** A counter that starts when `increment` first returns a number and keeps its value after. */
function counterValues(increment: (t: number) => number | undefined): string {
  let total: number | undefined;
  return TIMES.map((t) => {
    const inc = increment(t);
    if (inc !== undefined) total = (total ?? 0) + inc;
    return total === undefined ? '_' : String(total);
  }).join(' ');
}

const inputSeries: Array<{ series: string; values: string }> = [];

// looplab_run_phase: 1 while the phase runs, then a staleness marker (the runner removes it).
for (const p of PHASES) {
  inputSeries.push({
    series: `looplab_run_phase{job="loadgen", testid="${p.testid}", target="node", strategy="${p.strategy}", phase="${p.phase}"}`,
    values: gaugeValues((t) => (t >= p.from && t < p.to ? 1 : t === p.to ? 'stale' : undefined)),
  });
}

/**
 * Client probes per scrape: 10 requests, split fast (<= 5 ms) / slow (5-500 ms):
 * t1 async all fast; t1 blocking fast in warm-up but slow in measure (warm-up must not count);
 * t1 pooled 9 fast + 1 slow; t2 async and blocking all slow (so t2's ratio is 1, not t1's 100).
 */
function probesAt(
  testid: string,
  strategy: Strategy,
  t: number,
): { fast: number; slow: number } | undefined {
  const p = phaseAt(t);
  if (!p || p.testid !== testid || p.strategy !== strategy) return undefined;
  if (testid === 't2') return { fast: 0, slow: 10 };
  if (strategy === 'async') return { fast: 10, slow: 0 };
  if (strategy === 'blocking')
    return p.phase === 'warmup' ? { fast: 10, slow: 0 } : { fast: 0, slow: 10 };
  return { fast: 9, slow: 1 };
}
const runs = [...new Set(PHASES.map((p) => `${p.testid}/${p.strategy}`))].map((key) => {
  const [testid, strategy] = key.split('/') as [string, Strategy];
  return { testid, strategy };
});
for (const { testid, strategy } of runs) {
  const labels = `job="loadgen", testid="${testid}", target="node", strategy="${strategy}"`;
  for (const [le, count] of [
    ['0.005', (c: { fast: number; slow: number }) => c.fast],
    ['0.5', (c: { fast: number; slow: number }) => c.fast + c.slow],
    ['+Inf', (c: { fast: number; slow: number }) => c.fast + c.slow],
  ] as const) {
    inputSeries.push({
      series: `looplab_client_request_duration_seconds_bucket{${labels}, role="probe", le="${le}"}`,
      values: counterValues((t) => {
        const c = probesAt(testid, strategy, t);
        return c && count(c);
      }),
    });
    // Slow triggers: must not leak into the probe numbers.
    inputSeries.push({
      series: `looplab_client_request_duration_seconds_bucket{${labels}, role="trigger", le="${le}"}`,
      values: counterValues((t) =>
        probesAt(testid, strategy, t) ? (le === '0.005' ? 0 : 2) : undefined,
      ),
    });
  }
  inputSeries.push({
    series: `looplab_client_requests_total{${labels}, role="probe", status="200"}`,
    values: counterValues((t) => (probesAt(testid, strategy, t) ? 10 : undefined)),
  });
}

// The app (instance app:3000, scrape job named after its runtime): one process through both runs.
const APP = 'job="node", instance="app:3000"';
/** Window max: 2 ms; a 250 ms stall seen at 195-200 s (t1 blocking measure) and a 300 ms one at
 * 265-270 s (end of t1 pooled warm-up, still in the gauge's window when pooled's measure starts). */
inputSeries.push({
  series: `nodejs_eventloop_delay_window_max_seconds{${APP}}`,
  values: gaugeValues((t) =>
    t === 195 || t === 200 ? 0.25 : t === 265 || t === 270 ? 0.3 : 0.002,
  ),
});
/** One stall > 50 ms per scrape during t1 blocking's measure phase (after its first scrape). */
const stallAt = (t: number): boolean => t > 150 && t < 240;
inputSeries.push({
  series: `nodejs_eventloop_delay_seconds_count{${APP}}`,
  values: counterValues(() => 200),
});
inputSeries.push({
  series: `nodejs_eventloop_delay_seconds_bucket{${APP}, le="0.05"}`,
  values: counterValues((t) => (stallAt(t) ? 199 : 200)),
});
/** Tasks done: 2 per scrape while t1 runs blocking or pooled, 1 per scrape while t2 runs blocking. */
for (const strategy of ['blocking', 'pooled'] as const) {
  inputSeries.push({
    series: `looplab_tasks_total{${APP}, strategy="${strategy}", workload="cpu", outcome="done"}`,
    values: counterValues((t) => {
      const p = phaseAt(t);
      if (p?.strategy !== strategy) return 0;
      return p.testid === 't1' ? 2 : 1;
    }),
  });
}

const VALUES = {
  target: 'node',
  testid: 't1',
  testid_b: 't2',
  instance: 'app:3000',
  __range: `${END_S}s`,
  __interval: `${STEP_S}s`,
  __rate_interval: `${4 * STEP_S}s`,
};
const promql = (expr: string): string => substituteVariables(expr, VALUES);
/** Rounded to integers (x 1e6) so the engine's float results compare exactly. */
const micro = (expr: string): string => `round(${promql(expr)} * 1e6)`;

const sample = (testid: string, strategy: string, value: number) => ({
  labels: `{testid="${testid}", strategy="${strategy}"}`,
  value,
});
const at = (t: number): string => `${t}s`;

// Histogram quantile with buckets (0, 0.005], (0.005, 0.5]: linear inside the bucket.
const ALL_FAST_P99 = 0.005 * 0.99; // 0.00495
const ALL_SLOW_P99 = 0.005 + 0.495 * 0.99; // 0.49505
const POOLED_P99 = 0.005 + 0.495 * ((0.99 * 170 - 153) / 17); // 153 fast + 17 slow: 0.4505
const round6 = (x: number): number => Math.round(x * 1e6);
/**
 * What Prometheus answers for the naive increase()-over-the-range p99 of t1 blocking: the fast
 * warm-up probes (and extrapolation) pull it below ALL_SLOW_P99 (495050). Taken from the engine;
 * the point is only that it differs.
 */
const NAIVE_BLOCKING_P99 = 493675;

const tests: ExprTest[] = [
  {
    // Measure-phase counts exclude warm-up and the other strategies: 17 increments of 10 each.
    expr: promql(MEASURE_PROBE_REQUESTS),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'async', 170),
      sample('t1', 'blocking', 170),
      sample('t1', 'pooled', 170),
      sample('t2', 'async', 170),
      sample('t2', 'blocking', 170),
    ],
  },
  {
    expr: micro(measureProbeQuantile(0.99)),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'async', round6(ALL_FAST_P99)),
      sample('t1', 'blocking', round6(ALL_SLOW_P99)), // warm-up was fast: excluded
      sample('t1', 'pooled', round6(POOLED_P99)),
      sample('t2', 'async', round6(ALL_SLOW_P99)),
      sample('t2', 'blocking', round6(ALL_SLOW_P99)),
    ],
  },
  {
    // Each run against its own async: t2's blocking is 1x, not 100x.
    expr: micro(measureProbeQuantileRatioToAsync(0.99)),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'async', 1e6),
      sample('t1', 'blocking', round6(ALL_SLOW_P99 / ALL_FAST_P99)),
      sample('t1', 'pooled', round6(POOLED_P99 / ALL_FAST_P99)),
      sample('t2', 'async', 1e6),
      sample('t2', 'blocking', 1e6),
    ],
  },
  {
    // blocking gets its 250 ms stall; pooled does not inherit the 300 ms one from its warm-up.
    expr: micro(MEASURE_MAX_EVENT_LOOP_DELAY),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'async', 2000),
      sample('t1', 'blocking', 250000),
      sample('t1', 'pooled', 2000),
      sample('t2', 'async', 2000),
      sample('t2', 'blocking', 2000),
    ],
  },
  {
    expr: promql(MEASURE_STALLS_OVER_50MS),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'async', 0),
      sample('t1', 'blocking', 17),
      sample('t1', 'pooled', 0),
      sample('t2', 'async', 0),
      sample('t2', 'blocking', 0),
    ],
  },
  {
    // The app's counter has its own strategy label; the phase join picks the run. No async tasks.
    expr: promql(MEASURE_TASKS_DONE),
    eval_time: at(END_S),
    exp_samples: [
      sample('t1', 'blocking', 34),
      sample('t1', 'pooled', 34),
      sample('t2', 'blocking', 17),
    ],
  },
  // Controls: the naive versions get it wrong on the same data, which is why the queries above
  // are shaped as they are.
  {
    // increase() over the whole range counts t1 blocking's fast warm-up: p99 drops below 0.49505.
    expr: micro(
      'histogram_quantile(0.99, sum by (le, testid, strategy) (increase(looplab_client_request_duration_seconds_bucket{testid="t1", strategy="blocking", role="probe"}[$__range])))',
    ),
    eval_time: at(END_S),
    exp_samples: [sample('t1', 'blocking', NAIVE_BLOCKING_P99)],
  },
  {
    // Without skipping the gauge's window, pooled inherits the 300 ms stall of its warm-up.
    expr: micro(
      'max by (testid, strategy) (max_over_time((max(max_over_time(nodejs_eventloop_delay_window_max_seconds{instance=~"$instance"}[$__interval])) * on() group_right() max by (testid, strategy) (looplab_run_phase{testid="t1", strategy="pooled", phase="measure"}))[$__range:$__interval]))',
    ),
    eval_time: at(END_S),
    exp_samples: [sample('t1', 'pooled', 300000)],
  },
  // The event-loop dashboard's per-strategy max: attributed while the measure phase runs,
  // only once it has run for the gauge's window (10 s).
  {
    expr: micro(
      substituteVariables(EVENT_LOOP_DELAY_MAX_BY_STRATEGY, {
        ...VALUES,
        testid: '.*',
        strategy: '.*',
      }),
    ),
    eval_time: at(200),
    exp_samples: [sample('t1', 'blocking', 250000)],
  },
  {
    expr: promql(
      substituteVariables(EVENT_LOOP_DELAY_MAX_BY_STRATEGY, {
        ...VALUES,
        testid: '.*',
        strategy: '.*',
      }),
    ),
    eval_time: at(275), // pooled measure started at 270: not settled yet
    exp_samples: [],
  },
  {
    expr: micro(
      substituteVariables(EVENT_LOOP_DELAY_MAX_BY_STRATEGY, {
        ...VALUES,
        testid: '.*',
        strategy: '.*',
      }),
    ),
    eval_time: at(300),
    exp_samples: [sample('t1', 'pooled', 2000)],
  },
];

describe('comparison queries on a synthetic run (promtool test rules)', () => {
  it('give the expected numbers', () => {
    const result = testExpressions({
      interval: `${STEP_S}s`,
      input_series: inputSeries,
      promql_expr_test: tests,
    });
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('and the harness notices a wrong expectation', () => {
    const result = testExpressions({
      interval: `${STEP_S}s`,
      input_series: inputSeries,
      promql_expr_test: [{ ...(tests[0] as ExprTest), exp_samples: [sample('t1', 'async', 171)] }],
    });
    expect(result.status).not.toBe(0);
  });
});
