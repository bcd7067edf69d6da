import { type Context, type Span, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Where the server span source keeps each request's span and trace context. */
export const kServerSpan = Symbol('looplab.serverSpan');
export const kTraceContext = Symbol('looplab.traceContext');

export interface TracedRequest extends FastifyRequest {
  [kServerSpan]: Span | null;
  [kTraceContext]: Context | null;
}

/** Declares the two fields up front, so every request object has the same shape. */
export function decorateTracedRequests(fastify: FastifyInstance): void {
  fastify.decorateRequest(kServerSpan as unknown as string, null);
  fastify.decorateRequest(kTraceContext as unknown as string, null);
}

/**
 * The request's span context when its trace is stored (sampled), else undefined: an
 * exemplar pointing at a trace nobody kept would be a dead link. Falls back to the active
 * span, for the alternative span sources (@fastify/otel, http) that do not use the fields.
 */
export function sampledSpanContext(request: FastifyRequest): SpanContext | undefined {
  const span = (request as TracedRequest)[kServerSpan] ?? trace.getActiveSpan();
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  return (spanContext.traceFlags & TraceFlags.SAMPLED) === 0 ? undefined : spanContext;
}
