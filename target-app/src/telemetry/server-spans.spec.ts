import { SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../common/tasks/task.js';
import { HttpMetrics } from '../metrics/http-metrics.js';
import { RecordingServerSpan } from './recording-server-span.js';
import { currentOrigin, TaskTracing } from './task-tracing.js';
import { shutdownTelemetry, startTelemetry } from './telemetry.js';

/**
 * The real SDK set up as the app sets it up (default sampler, the server span source), with
 * an in-memory exporter, in front of a real Fastify server on a loopback port. Sampling ratio
 * 0: only requests whose client sent a sampled traceparent are sampled.
 */
const exporter = new InMemorySpanExporter();
let app: FastifyInstance;
let url: string;
let registry: Registry;

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const sampledParent = { traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01` };

interface Seen {
  traceId?: string;
  sampled?: boolean;
  taskSpanId?: string;
}

/** What the handler saw as the active span: every request has a trace id, sampled or not. */
function seen(): Seen {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return {
    traceId: spanContext?.traceId,
    sampled: spanContext ? (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 : undefined,
  };
}

function taskFor(origin: Task['origin']): Task {
  const now = Date.now();
  return {
    id: 'task-1',
    strategy: 'pooled',
    spec: { workload: 'cpu', ms: 1 },
    status: 'done',
    queuedAt: now - 2,
    startedAt: now - 1,
    finishedAt: now,
    origin,
  };
}

beforeAll(async () => {
  startTelemetry(
    { OTEL_TRACES_SAMPLER_ARG: '0', LOOPLAB_TRACE_INSTRUMENTATIONS: 'server' },
    { spanProcessors: [new SimpleSpanProcessor({ exporter })] },
  );
  registry = new Registry();
  app = Fastify();
  new HttpMetrics(registry).install(app);
  app.get('/ping', async () => seen());
  app.get('/boom', async (_request, reply) => reply.code(503).send(seen()));
  app.post('/tasks', async () => {
    const taskSpan = new TaskTracing().record(taskFor(currentOrigin()));
    return { ...seen(), taskSpanId: taskSpan.spanContext().spanId };
  });
  app.get('/metrics', async () => seen());
  app.get('/exemplars', async () => seen());
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await shutdownTelemetry();
});

beforeEach(() => exporter.reset());

async function get(path: string, headers: Record<string, string> = {}): Promise<Seen> {
  const response = await fetch(`${url}${path}`, { headers });
  return (await response.json()) as Seen;
}

function serverSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
}

async function openMetrics(): Promise<string> {
  // prom-client types a registry's format as fixed; at run time it can be switched.
  (registry as unknown as { setContentType(type: string): void }).setContentType(
    Registry.OPENMETRICS_CONTENT_TYPE,
  );
  return registry.metrics();
}

const bucketLines = (body: string, route: string) =>
  body
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('http_server_request_duration_seconds_bucket') &&
        line.includes(`route="${route}"`),
    );

describe('server spans from the Fastify hook pair', () => {
  it('an unsampled request stores no span, yet its handler has a trace id (for its logs)', async () => {
    const body = await get('/ping');
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.traceId).not.toBe('0'.repeat(32));
    expect(body.sampled).toBe(false);
    expect(serverSpans()).toEqual([]);
  });

  it('honours a client traceparent: a sampled child span named "METHOD route", with the HTTP semconv attributes', async () => {
    const body = await get('/ping?probe=1', sampledParent);
    expect(body).toEqual({ traceId: CLIENT_TRACE_ID, sampled: true });
    const [span, ...others] = serverSpans();
    expect(others).toEqual([]);
    // Recorded by the span source itself, exported through the SDK's processors.
    expect(span).toBeInstanceOf(RecordingServerSpan);
    expect(span?.name).toBe('GET /ping');
    expect(span?.spanContext().traceId).toBe(CLIENT_TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
    expect(span?.parentSpanContext?.isRemote).toBe(true);
    expect(span?.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      [ATTR_URL_PATH]: '/ping',
      [ATTR_URL_QUERY]: 'probe=1',
      [ATTR_URL_SCHEME]: 'http',
      [ATTR_HTTP_ROUTE]: '/ping',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a 5xx answer as an error', async () => {
    await get('/boom', sampledParent);
    const [span] = serverSpans();
    expect(span?.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(503);
    expect(span?.attributes['error.type']).toBe('503');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('does not trace scrapes', async () => {
    const body = await get('/metrics', sampledParent);
    expect(body.traceId).toBeUndefined();
    expect(serverSpans()).toEqual([]);
  });
});

describe('background-task spans', () => {
  async function postTask(headers: Record<string, string> = {}): Promise<Seen> {
    const response = await fetch(`${url}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ workload: 'cpu', ms: 1 }),
    });
    return (await response.json()) as Seen;
  }

  it('links the task span to its sampled request, and keeps it (the sampler follows the link)', async () => {
    const body = await postTask(sampledParent);
    // The request body is read in socket callbacks: the handler still runs in the request's span.
    expect(body.traceId).toBe(CLIENT_TRACE_ID);
    const [request] = serverSpans();
    const task = exporter.getFinishedSpans().find((span) => span.name === 'task pooled cpu');
    expect(request?.name).toBe('POST /tasks');
    expect(task?.spanContext().spanId).toBe(body.taskSpanId);
    expect(task?.spanContext().traceId).not.toBe(CLIENT_TRACE_ID);
    expect(task?.links.map((link) => link.context.spanId)).toEqual([request?.spanContext().spanId]);
  });

  it('drops the task span of an unsampled request, which still had a trace id', async () => {
    const body = await postTask();
    expect(body.sampled).toBe(false);
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('exemplars on the latency histogram', () => {
  it('appear on the buckets of sampled requests only, pointing at their trace', async () => {
    for (let i = 0; i < 5; i++) await get('/exemplars');
    const unsampled = bucketLines(await openMetrics(), '/exemplars');
    expect(unsampled.some((line) => / [1-9]\d*$/.test(line))).toBe(true);
    expect(unsampled.filter((line) => line.includes('trace_id'))).toEqual([]);

    await get('/exemplars', sampledParent);
    const sampled = bucketLines(await openMetrics(), '/exemplars').filter((line) =>
      line.includes('trace_id'),
    );
    expect(sampled.length).toBeGreaterThan(0);
    expect(sampled.every((line) => line.includes(`trace_id="${CLIENT_TRACE_ID}"`))).toBe(true);
  });

  it('counts unmatched requests under one route label', async () => {
    await fetch(`${url}/no-such-route`);
    const lines = bucketLines(await openMetrics(), 'unmatched');
    expect(lines.some((line) => line.includes('status_code="404"'))).toBe(true);
  });
});
