/**
 * FIXTURE: a synthetic run of your own service, written by hand (nothing here was measured):
 * three variants of 2 s, 100 probes each, against services that export different things:
 * - slow:  probes take i ms (i = 1..100); its service exports prom-client's max, reset on every
 *          scrape, reading 150 ms then 120 ms;
 * - fast:  probes take i/10 ms; looplab's exact window max (1 s window, scrapes every second),
 *          a delay histogram, a busy-time counter and the probe's server-side histogram;
 * - down:  probes take 1 ms; no metrics at all (probe only), and 4 of its 4 requests failed.
 */
import { describe, expect, it } from 'vitest';
import {
  type MetricsSample,
  type RawRun,
  type RawStrategyRun,
  type RecognisedMetrics,
  type RequestRecord,
  type RunConfig,
  SCHEMA_VERSION,
  type ServiceVariant,
} from '../model.js';
import { renderHtml } from '../render/html.js';
import { renderMarkdown } from '../render/markdown.js';
import { schemaProblem } from '../schemas.js';
import { localMeasurements } from '../sources/local/local-run.js';
import { rawJson } from '../sources/local/raw-file.js';
import { buildReport } from './assemble.js';
import { renderDiff } from './diff.js';

const INF = Number.POSITIVE_INFINITY;

function sample(t: number, patch: Partial<MetricsSample>): MetricsSample {
  return {
    t,
    lagWindowMaxMs: Number.NaN,
    lagWindowS: 0,
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
    ...patch,
  };
}

function probes(latency: (i: number) => number): RequestRecord[] {
  return Array.from({ length: 100 }, (_, k) => ({
    role: 'probe',
    t: k * 20,
    latencyMs: latency(k + 1),
    status: 200,
  }));
}

const requests = (status: number): RequestRecord[] =>
  [0, 500, 1000, 1500].map((t) => ({ role: 'trigger', t, latencyMs: 2, status }));

function cell(
  name: string,
  requestsOf: RequestRecord[],
  samples: MetricsSample[],
  recognised: RecognisedMetrics | null,
): RawStrategyRun {
  return {
    strategy: name,
    target: 'service',
    workload: 'request',
    instrumentation: 'unknown',
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedMs: 2000,
    expected: { probe: 100, trigger: 4 },
    requests: [...requestsOf, ...requests(name === 'down' ? 500 : 202)],
    samples,
    recognised,
  };
}

const variant = (name: string, port: number, metricsUrl: string | null): ServiceVariant => ({
  name,
  targetUrl: `http://127.0.0.1:${port}`,
  ratePerS: 2,
  probe: { method: 'GET', url: `http://127.0.0.1:${port}/health`, headers: {} },
  request: { method: 'POST', url: `http://127.0.0.1:${port}/report`, headers: {} },
  metricsUrl,
  headers: {},
});

const config: RunConfig = {
  runId: 'service',
  strategies: ['slow', 'fast', 'down'],
  targets: ['service'],
  workloads: ['request'],
  instrumentation: ['unknown'],
  durationS: 2,
  warmupS: 0,
  probeRate: 50,
  triggerRate: 2,
  workload: 'request',
  workloadMs: Number.NaN,
  poolSize: Number.NaN,
  timeoutS: 10,
  testid: 'service',
  targetUrl: 'http://127.0.0.1:1000',
  service: {
    probe: 'GET /health',
    baseline: 'slow',
    variants: [
      variant('slow', 1000, 'http://127.0.0.1:1000/metrics'),
      variant('fast', 2000, 'http://127.0.0.1:2000/metrics'),
      variant('down', 3000, null),
    ],
  },
};

const raw: RawRun = {
  schemaVersion: SCHEMA_VERSION,
  config,
  environment: {
    node: 'v24.21.0',
    platform: 'linux x64',
    cpuModel: 'test',
    cores: 2,
    totalMemoryGiB: 4,
    loadGenerator: { name: 'vegeta', version: '12.13.0' },
    pinning: { app: null, load: null, offLoop: null },
    hostname: 'test',
  },
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:10.000Z',
  runs: [
    // Reset on every scrape: each reading covers the time since the previous scrape.
    cell(
      'slow',
      probes((i) => i),
      [
        sample(0, { lagWindowMaxMs: 900, lagWindowS: 3600 }),
        sample(1000, { lagWindowMaxMs: 150, lagWindowS: 1 }),
        sample(2000, { lagWindowMaxMs: 120, lagWindowS: 1 }),
      ],
      { lagMax: { series: 'shop_nodejs_eventloop_lag_max_seconds', reading: 'scrape' } },
    ),
    cell(
      'fast',
      probes((i) => i / 10),
      [0, 1, 2].map((k) =>
        sample(k * 1000, {
          lagWindowMaxMs: k === 0 ? 500 : 4 + k,
          lagWindowS: 1,
          lagBuckets: [
            [0.001, 100 * k],
            [0.01, 150 * k],
            [INF, 150 * k],
          ],
          eluActiveSeconds: 0.25 * k,
          pingServerBuckets: [
            [0.001, 40 * k],
            [0.005, 50 * k],
            [INF, 50 * k],
          ],
        }),
      ),
      {
        lagMax: { series: 'nodejs_eventloop_delay_window_max_seconds', reading: 'window' },
        lagHistogram: 'nodejs_eventloop_delay_seconds',
        utilization: {
          series: 'nodejs_eventloop_utilization_active_seconds_total',
          reading: 'counter',
        },
        probeServer: {
          series: 'http_request_duration_seconds',
          exporter: 'prometheus-fastapi-instrumentator',
        },
      },
    ),
    cell(
      'down',
      probes(() => 1),
      [],
      null,
    ),
  ],
};

const { report } = buildReport(localMeasurements(raw), []);
const byName = (name: string) => report.strategies.find((result) => result.strategy === name);

describe('a report of your own service', () => {
  it('compares the variants with the baseline the run names, in the words of its probe', () => {
    expect(report.baseline).toBe('slow');
    expect(report.strategies.map((result) => result.row)).toEqual(['slow', 'fast', 'down']);
    expect(byName('fast')?.ratios.probeP99).toBeCloseTo(0.1, 2);
    expect(report.verdict).toContain('With slow as the baseline, GET /health p99 was');
    expect(report.verdict).toContain('Of the other variants');
    expect(report.verdict).toContain("Warning: 4 of 4 of down's own requests failed");
    expect(report.verdict).not.toContain('/ping');
  });

  it('says per figure where it came from and how exact it is', () => {
    const slow = byName('slow');
    const fast = byName('fast');
    const down = byName('down');
    // The anchor's 900 ms (from before the phase) never counts.
    expect(slow?.eventLoop.lagMaxMs).toBe(150);
    expect(slow?.resolution['eventLoop.lagMaxMs']).toEqual({
      low: 150,
      high: INF,
      kind: 'scrape',
      source: 'shop_nodejs_eventloop_lag_max_seconds',
    });
    expect(slow?.eventLoop.utilization).toBeNaN();
    expect(slow?.resolution['eventLoop.utilization']?.kind).toBe('none');
    expect(fast?.eventLoop.lagMaxMs).toBe(6);
    expect(fast?.resolution['eventLoop.lagMaxMs']).toMatchObject({
      kind: 'exact',
      low: 6,
      high: 6,
    });
    expect(fast?.resolution['eventLoop.lagP99Ms']).toMatchObject({
      kind: 'bucket',
      source: 'nodejs_eventloop_delay_seconds',
    });
    expect(fast?.eventLoop.utilization).toBeCloseTo(0.25, 6);
    expect(fast?.resolution['eventLoop.utilization']?.kind).toBe('exact');
    expect(fast?.resolution['probeServer.p99Ms']).toMatchObject({
      kind: 'bucket',
      source: 'http_request_duration_seconds (prometheus-fastapi-instrumentator)',
    });
    for (const figure of [
      'eventLoop.lagMaxMs',
      'eventLoop.utilization',
      'probeServer.p99Ms',
    ] as const)
      expect(down?.resolution[figure]?.kind, figure).toBe('none');
  });

  it('is marked incomplete for the variant whose requests failed', () => {
    expect(report.problems).toEqual(['down: 4 of 4 of its own requests failed']);
    expect(byName('down')?.trigger).toMatchObject({ sent: 4, accepted: 0, errors: 4 });
    expect(byName('fast')?.trigger).toMatchObject({ sent: 4, accepted: 4, errors: 0 });
  });

  it('renders the provenance table, the failing row and the variants in report.md', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('> **Incomplete:** requests failed');
    expect(md).toContain('| variant | probe p50 (ms)');
    expect(md).toContain('requests ok / rejected / failed');
    expect(md).not.toContain('task wait');
    expect(md).toMatch(/\| down ⚠ failing \|/);
    expect(md).toContain('## Where the numbers come from');
    expect(md).toContain(
      '| slow | max since the previous scrape — another scraper would split it (shop_nodejs_eventloop_lag_max_seconds) | probe only | probe only | probe only |',
    );
    expect(md).toContain('| fast | exact window max (nodejs_eventloop_delay_window_max_seconds) |');
    expect(md).toContain('| down | probe only | probe only | probe only | probe only |');
    expect(md).toContain('- **Variant fast:** 2 req/s of POST http://127.0.0.1:2000/report');
    expect(md).toContain('metrics none (probe only)');
  });

  it('renders the same in report.html', () => {
    const html = renderHtml(report);
    expect(html).toContain('<strong>Incomplete:</strong>');
    expect(html).toContain('<th rowspan="2" class="strategy">Variant</th>');
    expect(html).toContain('Where the numbers come from');
    expect(html).toContain('Probe GET /health latency by variant');
    expect(html).toContain('<span class="tag failing">⚠ failing</span>');
  });

  it('writes raw.json and report.json that their schemas accept', () => {
    expect(schemaProblem('raw', JSON.parse(rawJson(raw)))).toBeUndefined();
    expect(schemaProblem('report', JSON.parse(JSON.stringify(report)))).toBeUndefined();
  });

  it('diffs two runs variant by variant, naming the probe and where the lag came from', () => {
    const md = renderDiff(report, report);
    expect(md).toContain('2 s per variant at 50 probe/s of GET /health');
    expect(md).toContain('| probe GET /health p99 (ms) |');
    expect(md).not.toContain('task wait');
    expect(md).toContain(
      '_Event-loop lag max: max since the previous scrape — another scraper would split it (shop_nodejs_eventloop_lag_max_seconds)._',
    );
    expect(md).toContain('_Event-loop lag max: probe only._');
  });
});
