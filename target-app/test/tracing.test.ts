import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBE, strategy } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { postJson, waitForTask } from './support/http.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

const SERVER_KIND = 2;
const CLIENT_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN_ID = 'b7ad6b7169203331';
const SAMPLED_TRACEPARENT = `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`;

/** A real OTLP/HTTP (JSON) endpoint on loopback that keeps every span it receives. */
function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

const attribute = (span: OtlpSpan | undefined, key: string) => {
  const value = span?.attributes?.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

const taskSpanOf = (spans: OtlpSpan[], taskId: string) =>
  spans.find((span) => attribute(span, 'looplab.task.id') === taskId);

/** Enqueues a short task and waits for it (and its log line) to finish. */
async function runTask(app: AppProcess, name: 'blocking' | 'pooled', headers = {}) {
  const response = await fetch(`${app.url}${strategy(name).route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ workload: 'cpu', ms: 5 }),
  });
  const { id } = (await response.json()) as { id: string };
  await waitForTask(app.url, id);
  const log = await app.waitForLog((line) => line.msg === 'task done' && line.task_id === id);
  return { id, log };
}

describe('OTEL_TRACES_SAMPLER=always_on: every request traced', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: AppProcess;

  beforeAll(async () => {
    collector = await startCollector();
    app = await startApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_TRACES_SAMPLER: 'always_on',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await app.stop();
    collector.server.close();
  });

  it('exports one server span per request, named "GET /ping", with the HTTP semconv attributes', async () => {
    for (let i = 0; i < 10; i++) await fetch(`${app.url}${PROBE.route}?i=${i}`);
    const pings = () =>
      collector.spans.filter((span) => span.kind === SERVER_KIND && span.name === 'GET /ping');
    await expect.poll(() => pings().length).toBe(10);
    const [span] = pings();
    expect(attribute(span, 'http.request.method')).toBe('GET');
    expect(attribute(span, 'http.route')).toBe(PROBE.route);
    expect(attribute(span, 'url.path')).toBe(PROBE.route);
    expect(attribute(span, 'http.response.status_code')).toBe(200);
    // One span source: nothing else in a /ping trace.
    expect(collector.spans.filter((other) => other.traceId === span?.traceId)).toHaveLength(1);
  });

  for (const name of ['blocking', 'pooled'] as const) {
    it(`links a ${name} task span to the server span of the request that enqueued it`, async () => {
      const { id, log } = await runTask(app, name);
      await expect.poll(() => taskSpanOf(collector.spans, id)).toBeDefined();
      const taskSpan = taskSpanOf(collector.spans, id);
      expect(taskSpan?.name).toBe(`task ${name} cpu`);
      const link = taskSpan?.links?.[0];
      expect(link?.traceId).not.toBe(taskSpan?.traceId);
      await expect
        .poll(() => collector.spans.find((span) => span.spanId === link?.spanId))
        .toBeDefined();
      const request = collector.spans.find((span) => span.spanId === link?.spanId);
      expect(request?.kind).toBe(SERVER_KIND);
      expect(request?.name).toBe(`POST ${strategy(name).route}`);
      expect(request?.parentSpanId ?? '').toBe('');
      // The task's log line carries the task span's trace id.
      expect(log.trace_id).toBe(taskSpan?.traceId);
    });
  }
});

describe('default sampling at OTEL_TRACES_SAMPLER_ARG=0: only what a client asked for', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: AppProcess;

  beforeAll(async () => {
    collector = await startCollector();
    app = await startApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_TRACES_SAMPLER_ARG: '0',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await app.stop();
    collector.server.close();
  });

  it('honours a sampled client traceparent: the request span continues its trace, the task span is kept', async () => {
    const { id } = await runTask(app, 'pooled', { traceparent: SAMPLED_TRACEPARENT });
    await expect.poll(() => taskSpanOf(collector.spans, id)).toBeDefined();
    const request = collector.spans.find(
      (span) => span.kind === SERVER_KIND && span.traceId === CLIENT_TRACE_ID,
    );
    expect(request?.name).toBe(`POST ${strategy('pooled').route}`);
    expect(request?.parentSpanId).toBe(CLIENT_SPAN_ID);
    expect(taskSpanOf(collector.spans, id)?.links?.[0]?.spanId).toBe(request?.spanId);
  });

  it('stores nothing for other requests, yet their task log lines still carry a trace id', async () => {
    const before = collector.spans.length;
    for (let i = 0; i < 5; i++) await fetch(`${app.url}${PROBE.route}`);
    const { log } = await runTask(app, 'pooled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.spans.slice(before)).toEqual([]);
    expect(log.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(log.trace_flags).toBe('00');
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports nothing and says nothing about it, while logs still carry trace ids', async () => {
    const app = await startApp({ LOG_LEVEL: 'debug' });
    const accepted = await postJson<{ id: string }>(`${app.url}${strategy('pooled').route}`, {
      workload: 'cpu',
      ms: 5,
    });
    await waitForTask(app.url, accepted.body.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await app.stop()).toBe(0);
    const noise = [...app.logs.map((line) => JSON.stringify(line)), app.stderr()].filter((text) =>
      /otlp|ECONNREFUSED|export|4318|collector/i.test(text),
    );
    expect(noise).toEqual([]);
    expect(app.stderr()).not.toMatch(/error/i);
    const log = app.logs.find((line) => line.msg === 'task done');
    expect(log?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});
