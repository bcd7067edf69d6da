import { Counter, Histogram } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  MetricsRegistry,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from './metrics-registry.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function withCounter(metrics: MetricsRegistry): Counter {
  const counter = new Counter({
    name: 'looplab_spec_things_total',
    help: 'Things counted by the spec.',
    registers: [metrics.registry],
  });
  counter.inc(3);
  return counter;
}

/** Registered the way HttpMetrics does it: no registers at construction, then registerMetric. */
function withExemplarHistogram(metrics: MetricsRegistry): Histogram<'route'> {
  const histogram = new Histogram({
    name: 'looplab_spec_duration_seconds',
    help: 'Durations observed by the spec.',
    labelNames: ['route'],
    buckets: [0.01, 0.1, 1],
    enableExemplars: true,
    registers: [],
  });
  metrics.registry.registerMetric(histogram);
  histogram.observe({
    labels: { route: '/ping' },
    value: 0.05,
    exemplarLabels: { trace_id: TRACE_ID, span_id: SPAN_ID } as Record<string, string>,
  });
  return histogram;
}

describe('MetricsRegistry.wantsOpenMetrics', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['text/plain', false],
    ['*/*', false],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', true],
    ['application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', true],
  ])('Accept %j → %s', (accept, expected) => {
    expect(MetricsRegistry.wantsOpenMetrics(accept)).toBe(expected);
  });
});

describe('MetricsRegistry.render', () => {
  it('renders Prometheus text by default, with the default Node.js metrics', async () => {
    const metrics = new MetricsRegistry(5);
    withCounter(metrics);
    const exposition = await metrics.render(false);
    expect(exposition.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(exposition.contentType).toContain('text/plain');
    expect(exposition.body).toContain('# TYPE looplab_spec_things_total counter');
    expect(exposition.body).toMatch(/^looplab_spec_things_total 3$/m);
    expect(exposition.body).toContain('nodejs_eventloop_lag_seconds');
    expect(exposition.body).not.toContain('# EOF');
  });

  it('renders OpenMetrics ending in # EOF when asked', async () => {
    const metrics = new MetricsRegistry(5);
    withCounter(metrics);
    const exposition = await metrics.render(true);
    expect(exposition.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(exposition.contentType).toContain('application/openmetrics-text');
    expect(exposition.body.trimEnd().endsWith('# EOF')).toBe(true);
    // OpenMetrics names the counter family without _total, and the sample with it.
    expect(exposition.body).toContain('# TYPE looplab_spec_things counter');
    expect(exposition.body).toMatch(/^looplab_spec_things_total 3$/m);
  });

  it('keeps counter names ending in _total in the Prometheus render after an OpenMetrics one', async () => {
    const metrics = new MetricsRegistry(5);
    const counter = withCounter(metrics);
    await metrics.render(true);

    const after = await metrics.render(false);
    expect(after.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(after.body).toContain('# TYPE looplab_spec_things_total counter');
    expect(after.body).toMatch(/^looplab_spec_things_total 3$/m);
    expect(after.body).not.toMatch(/^looplab_spec_things 3$/m);
    expect(after.body).not.toContain('# EOF');
    // The default process counters are counters too.
    expect(after.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    // prom-client's types omit `name`, but it is what the renderer reads.
    expect((counter as unknown as { name: string }).name).toBe('looplab_spec_things_total');

    // And the round trip is stable.
    await metrics.render(true);
    const again = await metrics.render(false);
    expect(again.body).toMatch(/^looplab_spec_things_total 3$/m);
  });

  it('serialises concurrent renders so each gets its own format', async () => {
    const metrics = new MetricsRegistry(5);
    withCounter(metrics);
    const [open, prom, open2] = await Promise.all([
      metrics.render(true),
      metrics.render(false),
      metrics.render(true),
    ]);
    expect(open.body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(open2.body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(prom.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(prom.body).not.toContain('# EOF');
    expect(prom.body).toContain('# TYPE looplab_spec_things_total counter');
  });

  it('shows histogram exemplars only in the OpenMetrics render', async () => {
    const metrics = new MetricsRegistry(5);
    withExemplarHistogram(metrics);

    const prometheus = await metrics.render(false);
    expect(prometheus.body).toMatch(
      /^looplab_spec_duration_seconds_bucket\{le="0.1",route="\/ping"\} 1$/m,
    );
    expect(prometheus.body).not.toContain('trace_id');

    const openMetrics = await metrics.render(true);
    const exemplarLine = openMetrics.body
      .split('\n')
      .find(
        (line) => line.startsWith('looplab_spec_duration_seconds_bucket') && line.includes(' # {'),
      );
    expect(exemplarLine).toBeDefined();
    expect(exemplarLine).toContain(`# {trace_id="${TRACE_ID}",span_id="${SPAN_ID}"} 0.05`);

    const prometheusAgain = await metrics.render(false);
    expect(prometheusAgain.body).not.toContain('trace_id');
  });
});
