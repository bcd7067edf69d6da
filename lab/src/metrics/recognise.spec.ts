import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSample } from './app-sample.js';
import { expositionReader, type PromSample, parsePromText } from './prom-text.js';
import { asLooplabNames, type ProbeRoute, recogniseMetrics } from './recognise.js';

/** Real pages of each exporter, captured once (the first line of each file says how). */
const fixture = (file: string): PromSample[] =>
  parsePromText(readFileSync(join(__dirname, '__fixtures__', file), 'utf8'));

const HEALTH: ProbeRoute = { method: 'GET', path: '/health' };
const context = { sinceLastScrapeS: 1.25, activeSecondsBefore: 10 };

/** A scrape rewritten onto looplab's names, reduced as the lab's apps are. */
function sampleOf(samples: PromSample[], probe = HEALTH) {
  const reader = expositionReader(
    asLooplabNames(samples, recogniseMetrics(samples, probe), probe, context),
  );
  return appSample(reader, reader, 'variant', 0);
}

describe('recogniseMetrics: each exporter by its names, any prefix', () => {
  it("prom-client's defaults under a prefix: the max resets on every scrape", () => {
    const samples = fixture('prom-client-defaults.prom');
    expect(recogniseMetrics(samples, HEALTH)).toEqual({
      lagMax: { series: 'shop_nodejs_eventloop_lag_max_seconds', reading: 'scrape' },
      memory: 'shop_process_resident_memory_bytes',
    });
    const sample = sampleOf(samples);
    expect(sample.lagWindowMaxMs).toBeCloseTo(123.14, 1);
    // Its window is the time since the previous scrape.
    expect(sample.lagWindowS).toBe(1.25);
    expect(sample.lagBuckets).toEqual([]);
    expect(sample.appMemoryBytes).toBe(68034560);
  });

  it('OpenTelemetry runtime-node through its Prometheus exporter: a counter of busy time', () => {
    const samples = fixture('otel-runtime-node-prometheus-exporter.prom');
    expect(recogniseMetrics(samples, HEALTH)).toEqual({
      lagMax: { series: 'nodejs_eventloop_delay_max', reading: 'scrape' },
      utilization: { series: 'nodejs_eventloop_time_total', reading: 'counter' },
    });
    const sample = sampleOf(samples);
    expect(sample.lagWindowMaxMs).toBeCloseTo(127.21, 1);
    // The active state only, not idle.
    expect(sample.eluActiveSeconds).toBeCloseTo(0.17225, 4);
  });

  it('runtime-node through an OTLP translation (the Collector): _seconds names, reset per export', () => {
    const samples = fixture('otel-runtime-node-otlp-translated.prom');
    expect(recogniseMetrics(samples, HEALTH)).toEqual({
      lagMax: { series: 'nodejs_eventloop_delay_max_seconds', reading: 'export' },
      utilization: { series: 'nodejs_eventloop_time_seconds_total', reading: 'counter' },
    });
    expect(sampleOf(samples).eluActiveSeconds).toBeCloseTo(0.28919, 4);
  });

  it('a utilization gauge alone is added up scrape by scrape', () => {
    const samples = fixture('otel-runtime-node-prometheus-exporter.prom').filter(
      (sample) => !sample.name.startsWith('nodejs_eventloop_time'),
    );
    expect(recogniseMetrics(samples, HEALTH).utilization).toEqual({
      series: 'nodejs_eventloop_utilization',
      reading: 'scrape',
    });
    // 10 s before, plus 0.1535 of the 1.25 s since the previous scrape.
    expect(sampleOf(samples).eluActiveSeconds).toBeCloseTo(10 + 0.1535029 * 1.25, 5);
  });

  it("prometheus-fastapi-instrumentator's histogram of the probe's handler", () => {
    const samples = fixture('prometheus-fastapi-instrumentator.prom');
    expect(recogniseMetrics(samples, HEALTH)).toEqual({
      probeServer: {
        series: 'http_request_duration_seconds',
        exporter: 'prometheus-fastapi-instrumentator',
      },
      memory: 'process_resident_memory_bytes',
    });
    expect(sampleOf(samples).pingServerBuckets).toEqual([
      [0.1, 5],
      [0.5, 5],
      [1, 5],
      [Number.POSITIVE_INFINITY, 5],
    ]);
  });

  it("starlette_exporter's histogram of the probe's path, summed over status codes", () => {
    const samples = fixture('starlette-exporter.prom');
    expect(recogniseMetrics(samples, HEALTH).probeServer).toEqual({
      series: 'starlette_request_duration_seconds',
      exporter: 'starlette_exporter',
    });
    const buckets = sampleOf(samples).pingServerBuckets;
    expect(buckets.at(-1)).toEqual([Number.POSITIVE_INFINITY, 5]);
    // Another route's requests are not the probe's.
    expect(sampleOf(samples, { method: 'GET', path: '/elsewhere' }).pingServerBuckets).toEqual([]);
    expect(sampleOf(samples, { method: 'POST', path: '/health' }).pingServerBuckets).toEqual([]);
  });

  it("looplab's own names win over prom-client's in the same page, with any prefix", () => {
    const lab = fixture('metrics.txt');
    expect(recogniseMetrics(lab, { method: 'GET', path: '/ping' })).toMatchObject({
      lagMax: { series: 'nodejs_eventloop_delay_window_max_seconds', reading: 'window' },
      lagHistogram: 'nodejs_eventloop_delay_seconds',
      utilization: {
        series: 'nodejs_eventloop_utilization_active_seconds_total',
        reading: 'counter',
      },
      probeServer: { series: 'http_server_request_duration_seconds', exporter: 'looplab' },
    });
    const prefixed = lab.map((sample) => ({ ...sample, name: `svc_${sample.name}` }));
    const sample = sampleOf(prefixed, { method: 'GET', path: '/ping' });
    expect(sample.lagWindowMaxMs).toBeCloseTo(62.31, 1);
    expect(sample.lagBuckets.length).toBeGreaterThan(10);
    expect(sample.eluActiveSeconds).toBeCloseTo(0.35944, 4);
    expect(sample.pingServerBuckets.at(-1)).toEqual([Number.POSITIVE_INFINITY, 6]);
  });

  it("passes looplab's own stall series through under their own names", () => {
    const samples = parsePromText(
      'svc_looplab_eventloop_stalls_total{class="on_cpu"} 3\nsvc_looplab_eventloop_stall_threshold_seconds 0.05\n',
    );
    expect(asLooplabNames(samples, {}, HEALTH, context)).toEqual([
      { name: 'looplab_eventloop_stalls_total', labels: { class: 'on_cpu' }, value: 3 },
      { name: 'looplab_eventloop_stall_threshold_seconds', labels: {}, value: 0.05 },
    ]);
  });

  it('a page with none of these names gives nothing to read: probe only', () => {
    const samples = parsePromText('# a service of its own\norders_total 4\n');
    expect(recogniseMetrics(samples, HEALTH)).toEqual({});
    const sample = sampleOf(samples);
    expect(sample.lagWindowMaxMs).toBeNaN();
    expect(sample.lagBuckets).toEqual([]);
  });
});
