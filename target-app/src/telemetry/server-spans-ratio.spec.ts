import { SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownTelemetry, startTelemetry } from './telemetry.js';

/**
 * The span source decides sampling before it asks the SDK for a span. At ratio 0.5 with no
 * client traceparent, this checks that the decision is the ratio sampler's on the very trace
 * id the request carries (no second draw on a different id), and that sampled requests get
 * their SDK span under that id while unsampled ones still carry valid ids.
 */
const exporter = new InMemorySpanExporter();
let app: FastifyInstance;
let url: string;

const REQUESTS = 400;

interface Seen {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

beforeAll(async () => {
  startTelemetry(
    { OTEL_TRACES_SAMPLER_ARG: '0.5', LOOPLAB_TRACE_INSTRUMENTATIONS: 'server' },
    { spanProcessors: [new SimpleSpanProcessor({ exporter })] },
  );
  app = Fastify();
  app.get('/ping', async (): Promise<Seen> => {
    const spanContext = trace.getActiveSpan()?.spanContext();
    return {
      traceId: spanContext?.traceId ?? '',
      spanId: spanContext?.spanId ?? '',
      sampled: ((spanContext?.traceFlags ?? 0) & TraceFlags.SAMPLED) !== 0,
    };
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await shutdownTelemetry();
});

describe('sampling decided before the span (ratio 0.5, no client traceparent)', () => {
  it('samples exactly the requests the ratio sampler picks by their trace id, each with one root span under that id', async () => {
    const seen: Seen[] = [];
    for (let i = 0; i < REQUESTS; i++)
      seen.push((await (await fetch(`${url}/ping`)).json()) as Seen);

    const ratio = new TraceIdRatioBasedSampler(0.5);
    for (const request of seen) {
      expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(request.spanId).toMatch(/^[0-9a-f]{16}$/);
      const decision = ratio.shouldSample(undefined as never, request.traceId).decision;
      expect(request.sampled).toBe(decision === SamplingDecision.RECORD_AND_SAMPLED);
    }
    // Binomial(400, 0.5): 200 ± 10. Drawing again on a fresh id in the SDK would sample
    // 0.5 × 0.5 of them (100 ± 9): both bounds are five standard deviations away.
    const sampled = seen.filter((request) => request.sampled);
    expect(sampled.length).toBeGreaterThan(REQUESTS * 0.375);
    expect(sampled.length).toBeLessThan(REQUESTS * 0.625);

    const spans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(spans.map((span) => span.spanContext().traceId).sort()).toEqual(
      sampled.map((request) => request.traceId).sort(),
    );
    expect(spans.map((span) => span.spanContext().spanId).sort()).toEqual(
      sampled.map((request) => request.spanId).sort(),
    );
    expect(spans.every((span) => span.parentSpanContext === undefined)).toBe(true);
  });
});
