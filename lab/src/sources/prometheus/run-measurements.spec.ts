/**
 * FIXTURE: a synthetic timeline, written so every number can be worked out by hand. Nothing here
 * was measured. Both targets are scraped every second, at whole seconds, from t = 90 to 120.
 *
 * blocking: warm-up scraped at 99–100, measure at 101–110, so the phase is estimated as
 * [100.5, 110.5] (half an interval outside the first and last scrape).
 * - Client: 10 probes/s answered 200 in 150 ms, 2 triggers/s answered 202, from t = 98 until the
 *   attacks end at 110.5 (then frozen): 100 probes and 20 triggers in the phase. 3 probes were
 *   dropped, added when the phase ended (visible from t = 111).
 * - App: 1000 event-loop samples/s under 1 ms plus 2/s of 200–300 ms; 0.4 s active per second;
 *   2 tasks done per second, each run 200–250 ms. The window-max gauge (window 5 s here) still
 *   shows a 500 ms stall of the previous strategy until t = 104, then 0.2 s.
 */
import { describe, expect, it } from 'vitest';
import { toJson } from '../../render/report-folder.js';
import { buildReport } from '../../report/assemble.js';
import { schemaProblem } from '../../schemas.js';
import { type FoundRun, latestRun } from './phases.js';
import { APP_METRICS } from './run-facts.js';
import { measurementsOf } from './run-measurements.js';
import { type Series, SeriesSet } from './series.js';

const SCRAPES = Array.from({ length: 31 }, (_, i) => 90 + i);

function series(labels: Record<string, string>, value: (t: number) => number, times = SCRAPES) {
  return { labels, t: [...times], v: times.map(value) } satisfies Series;
}

/** Grows at `perS` from `from` until the attacks end at 110.5, then stays. */
const clientCounter =
  (perS: number, from = 98) =>
  (t: number) =>
    perS * Math.max(0, Math.min(t, 110.5) - from);

const range = (from: number, to: number) => SCRAPES.filter((t) => t >= from && t <= to);
const phase = (name: string, times: number[]) =>
  series(
    { __name__: 'looplab_run_phase', testid: 'unit', strategy: 'blocking', phase: name },
    () => 1,
    times,
  );

const client = (name: string, labels: Record<string, string>, value: (t: number) => number) =>
  series({ __name__: name, testid: 'unit', strategy: 'blocking', ...labels }, value);

const CLIENT = new SeriesSet([
  ...['0.1', '0.2', '+Inf'].map((le) =>
    client(
      'looplab_client_request_duration_seconds_bucket',
      { role: 'probe', le },
      le === '0.1' ? () => 0 : clientCounter(10),
    ),
  ),
  ...['0.001', '+Inf'].map((le) =>
    client(
      'looplab_client_request_duration_seconds_bucket',
      { role: 'trigger', le },
      clientCounter(2),
    ),
  ),
  client('looplab_client_requests_total', { role: 'probe', status: '200' }, clientCounter(10)),
  client('looplab_client_requests_total', { role: 'probe', status: '0' }, () => 0),
  client('looplab_client_requests_total', { role: 'trigger', status: '202' }, clientCounter(2)),
  client('looplab_client_requests_total', { role: 'trigger', status: '503' }, () => 0),
  client('looplab_client_dropped_requests_total', { role: 'probe' }, (t) => (t >= 111 ? 3 : 0)),
  client('looplab_client_dropped_requests_total', { role: 'trigger' }, () => 0),
  client('looplab_client_target_rate', { role: 'probe' }, (t) => (t >= 99 && t <= 110 ? 10 : 0)),
  client('looplab_client_target_rate', { role: 'trigger' }, (t) => (t >= 99 && t <= 110 ? 2 : 0)),
]);

const app = (name: string, labels: Record<string, string>, value: (t: number) => number) =>
  series({ __name__: name, instance: 'app:3000', job: 'target-app', ...labels }, value);

const APP = new SeriesSet([
  app('nodejs_eventloop_delay_seconds_bucket', { le: '0.001' }, (t) => 1000 * (t - 90)),
  app('nodejs_eventloop_delay_seconds_bucket', { le: '0.2' }, (t) => 1000 * (t - 90)),
  app('nodejs_eventloop_delay_seconds_bucket', { le: '0.3' }, (t) => 1002 * (t - 90)),
  app('nodejs_eventloop_delay_seconds_bucket', { le: '+Inf' }, (t) => 1002 * (t - 90)),
  app('nodejs_eventloop_delay_window_max_seconds', {}, (t) => (t <= 104 ? 0.5 : 0.2)),
  app('nodejs_eventloop_utilization_active_seconds_total', {}, (t) => 0.4 * (t - 90)),
  app(
    'looplab_tasks_total',
    { strategy: 'blocking', workload: 'cpu', outcome: 'done' },
    (t) => 2 * (t - 90),
  ),
  ...['0.2', '0.25', '+Inf'].map((le) =>
    app('looplab_task_run_seconds_bucket', { strategy: 'blocking', workload: 'cpu', le }, (t) =>
      le === '0.2' ? 0 : 2 * (t - 90),
    ),
  ),
  app('looplab_task_queue_depth', { strategy: 'blocking' }, () => 1),
  app('looplab_tasks_in_flight', { strategy: 'blocking' }, () => 1),
  app('looplab_pool_workers', { strategy: 'pooled' }, () => 1),
  app('nodejs_version_info', { version: 'v24.0.0' }, () => 1),
  // /ping served in 1–2 ms on the server (10/s), though the client waited 150 ms.
  ...['0.001', '0.002', '+Inf'].map((le) =>
    app(
      'http_server_request_duration_seconds_bucket',
      { route: '/ping', method: 'GET', status_code: '200', strategy: 'none', le },
      (t) => (le === '0.001' ? 0 : 10 * (t - 90)),
    ),
  ),
]);

/** What `{__name__=~"<APP_METRICS>"}` returns of the app's series: only the names asked for. */
const QUERIED_APP = new SeriesSet(
  APP.series.filter((s) => (APP_METRICS as readonly string[]).includes(s.labels.__name__ ?? '')),
);

/** The report of the run in these series, as `looplab report --prometheus` builds it. */
function buildFrom(run: FoundRun | undefined, app: SeriesSet, eventLoopWindowS: number) {
  if (!run) throw new Error('no run');
  const notes: string[] = [];
  const measured = measurementsOf(
    { testid: 'unit', run, client: CLIENT, app, instance: 'app:3000' },
    eventLoopWindowS,
    notes,
  );
  const built = buildReport(measured, []);
  return { measured, report: built.report, notes: [...notes, ...built.notes] };
}

function build(appSeries = APP) {
  const run = latestRun([phase('warmup', range(99, 100)), phase('measure', range(101, 110))]);
  return buildFrom(run, appSeries, 5);
}

describe('the Prometheus source and the report builder', () => {
  const { report, notes } = build();
  const [result] = report.strategies;

  it('reads client counters from the estimated phase start to right after the phase', () => {
    expect(result?.probe.count).toBe(100);
    expect(result?.probe.throughputRps).toBeCloseTo(10, 9);
    expect(result?.probe.errors).toBe(0);
    expect(result?.trigger).toMatchObject({
      expected: 20,
      sent: 20,
      accepted: 20,
      rejected: 0,
      errors: 0,
    });
    // Dropped requests are added when the phase ends: all 3 belong to it.
    expect(result?.droppedIterations).toBe(3);
  });

  it('takes client percentiles from the buckets, max as the highest filled bound', () => {
    // Every probe is in (0.1, 0.2]: p50 = 0.1 + 0.1 · 0.5.
    expect(result?.probe.p50).toBeCloseTo(150, 9);
    expect(result?.probe.p99).toBeCloseTo(199, 9);
    expect(result?.probe.max).toBe(200);
  });

  it('attributes the app’s series to the phase by time', () => {
    expect(result?.eventLoop.utilization).toBeCloseTo(0.4, 9);
    // 10020 samples, 10000 of them in the first bucket (0, 1 ms].
    expect(result?.eventLoop.lagP50Ms).toBeCloseTo((0.5 * 10_020) / 10_000, 9);
    expect(result?.tasks.completed).toBe(20);
    expect(result?.tasks.runP50Ms).toBeCloseTo(225, 9);
    expect(result?.tasks.waitP50Ms).toBeNaN();
  });

  it('takes max lag only from scrapes whose window lies inside the phase', () => {
    // The 500 ms of the previous strategy is still in the gauge until t = 104.
    expect(result?.eventLoop.lagMaxMs).toBeCloseTo(200, 9);
    expect(notes.filter((n) => n.includes('upper bound'))).toEqual([]);
  });

  it('infers the run configuration it can, and says unknown for the rest', () => {
    expect(report.config).toMatchObject({
      runId: 'unit',
      testid: 'unit',
      strategies: ['blocking'],
      durationS: 10,
      warmupS: 2,
      probeRate: 10,
      triggerRate: 2,
      workload: 'cpu',
      poolSize: 1,
      targetUrl: 'unknown',
    });
    expect(report.config.workloadMs).toBeNaN();
    expect(report.environment.node).toBe('v24.0.0');
    expect(report.environment.hostname).toBe('app:3000');
    expect(report.createdAt).toBe(new Date(110_500).toISOString());
  });

  it('has a point per second of the phase', () => {
    expect(report.series.map((p) => p.t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const fifth = report.series[4];
    expect(fifth).toMatchObject({ strategy: 'blocking', probeCount: 10, queueDepth: 1 });
    expect(fifth?.probeP50Ms).toBeCloseTo(150, 9);
    expect(fifth?.utilization).toBeCloseTo(0.4, 9);
    expect(fifth?.lagMaxMs).toBeCloseTo(200, 9);
    // At t = 104 the gauge still says 500 ms (the previous stall); the histogram of that second
    // caps it at its 300 ms bucket.
    expect(report.series[3]?.lagMaxMs).toBeCloseTo(300, 9);
  });

  it('falls back to an upper bound when the phase is shorter than the gauge’s window', () => {
    const short = buildFrom(latestRun([phase('measure', range(101, 110))]), APP, 30);
    expect(short.report.strategies[0]?.eventLoop.lagMaxMs).toBeCloseTo(300, 9);
    expect(short.notes.some((n) => n.includes('upper bound'))).toBe(true);
  });

  it('takes the shortest phase as the duration: scrapes see a phase one interval long as often as not', () => {
    const pooled: Series = {
      ...phase('measure', []),
      labels: {
        __name__: 'looplab_run_phase',
        testid: 'unit',
        strategy: 'pooled',
        phase: 'measure',
      },
    };
    pooled.t = Array.from({ length: 11 }, (_, i) => 112 + i);
    pooled.v = pooled.t.map(() => 1);
    const both = buildFrom(latestRun([phase('measure', range(101, 110)), pooled]), APP, 5);
    expect(both.report.config.strategies).toEqual(['blocking', 'pooled']);
    expect(both.report.config.durationS).toBe(10);
    expect(both.report.series.filter((p) => p.strategy === 'pooled')).toHaveLength(10);
  });

  it('feeds the same report builder as a local run, marked as from Prometheus', () => {
    expect(report.source).toBe('prometheus');
    expect(schemaProblem('report', JSON.parse(toJson(report)))).toBeUndefined();
    expect(report.strategies[0]?.ratios.probeP99).toBeNaN();
    expect(report.verdict).toContain('blocking');
  });
});

describe('the app query (collect.ts) and the builder', () => {
  it('asks Prometheus for every app metric the builder reads: server-side /ping p50/p99 are numbers', () => {
    const [result] = build(QUERIED_APP).report.strategies;
    expect(result?.probeServer.p50Ms).toBeGreaterThan(1);
    expect(result?.probeServer.p50Ms).toBeLessThanOrEqual(2);
    expect(result?.probeServer.p99Ms).toBeGreaterThan(1);
    expect(result?.probeServer.p99Ms).toBeLessThanOrEqual(2);
  });
});

describe('costs from Prometheus', () => {
  /** The same series with another strategy label: the fixture run, as if it had been `process`. */
  const as = (strategy: string, set: SeriesSet) =>
    new SeriesSet(
      set.series.map((s) =>
        s.labels.strategy === 'blocking' ? { ...s, labels: { ...s.labels, strategy } } : s,
      ),
    );
  const withCosts = (strategy: string) =>
    new SeriesSet([
      ...APP.series,
      app('process_resident_memory_bytes', {}, () => 100 * 2 ** 20),
      app('looplab_pool_workers', { strategy }, () => 2),
      app('looplab_pool_worker_resident_memory_bytes', { strategy }, () => 90 * 2 ** 20),
    ]);

  it('reads the app’s memory and a pool’s children per worker at the end of the phase', () => {
    const notes: string[] = [];
    const run = latestRun([
      {
        ...phase('measure', range(101, 110)),
        labels: { ...phase('measure', []).labels, strategy: 'process' },
      },
    ]);
    if (!run) throw new Error('no run');
    const measured = measurementsOf(
      {
        testid: 'unit',
        run,
        client: as('process', CLIENT),
        app: as('process', withCosts('process')),
        instance: 'app:3000',
      },
      5,
      notes,
    );
    const [result] = buildReport(measured, []).report.strategies;
    expect(result?.costs).toEqual({
      appMemoryMiB: 100,
      poolWorkers: 2,
      poolMemoryMiB: 90,
      memoryPerWorkerMiB: 45,
    });
  });

  it('reads pool gauges only for the strategies the contract gives a pool', () => {
    const [result] = build(withCosts('blocking')).report.strategies;
    expect(result?.costs).toEqual({ appMemoryMiB: 100 });
  });
});
