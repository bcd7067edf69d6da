import { subscribe } from 'node:diagnostics_channel';
import { STALLS_PATH } from '@looplab/instrument';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from 'fastify';
import { RecordingServerSpan } from './recording-server-span.js';
import { RequestContext } from './request-context.js';
import {
  decorateTracedRequests,
  kServerSpan,
  kTraceContext,
  type TracedRequest,
} from './request-span.js';
import type { PresetDecisionSampler, RootRatioSampling } from './sampler.js';
import { type PooledIdGenerator, UnsampledSpanContext } from './trace-ids.js';
import type { TracerParts } from './tracer-parts.js';

export const SERVER_TRACER_NAME = 'looplab.http-server';

/**
 * Scrapes arrive every second or so, and the runner reads the stalls once per phase; tracing
 * them would only bury the interesting traces.
 */
const UNTRACED_ROUTES = new Set(['/metrics', STALLS_PATH]);

/** Methods whose body is read from the socket before the handler runs (outside our context). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SERVER_SPAN = Object.freeze({ kind: SpanKind.SERVER });
const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS = Object.freeze([]) as unknown as [];

/**
 * What the span source needs from the SDK: its tracer, and the same sampler and id generator
 * the SDK was built with, so it can decide sampling before it asks the tracer for a span.
 */
export interface SpanSource {
  tracer: Tracer;
  sampler: PresetDecisionSampler;
  ids: PooledIdGenerator;
  /** The sampler's decision for new traces, when it can be taken from the id's bytes. */
  rootSampling?: RootRatioSampling | undefined;
  /**
   * The tracer's processors, resource and limits, for recording sampled spans without the
   * SDK's span (RecordingServerSpan); without them the SDK's tracer makes the spans.
   */
  recording?: TracerParts | undefined;
}

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** What a route's spans share, computed once when the route is registered. */
interface RouteSpanTemplate {
  name: string;
  attributeEntries: readonly (readonly [string, string])[];
}

function templateFor(method: string, route: string): RouteSpanTemplate {
  return {
    name: `${method} ${route}`,
    attributeEntries: [
      [ATTR_HTTP_REQUEST_METHOD, method],
      [ATTR_HTTP_ROUTE, route],
      [ATTR_URL_SCHEME, 'http'],
    ],
  };
}

/** An attribute whose value the span source read itself, so it needs no value check. */
function setKnownAttribute(span: Span, key: string, value: string | number): void {
  if (span instanceof RecordingServerSpan) span.recordKnownAttribute(key, value);
  else span.setAttribute(key, value);
}

/** The route's and the request's details, only for spans that are recorded (sampled). */
function addRequestAttributes(
  request: FastifyRequest,
  template: RouteSpanTemplate,
  span: Span,
): void {
  for (const [key, value] of template.attributeEntries) setKnownAttribute(span, key, value);
  const { url } = request;
  const query = url.indexOf('?');
  setKnownAttribute(span, ATTR_URL_PATH, query === -1 ? url : url.slice(0, query));
  if (query !== -1) setKnownAttribute(span, ATTR_URL_QUERY, url.slice(query + 1));
  setKnownAttribute(span, ATTR_NETWORK_PROTOCOL_VERSION, request.raw.httpVersion);
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) setKnownAttribute(span, ATTR_USER_AGENT_ORIGINAL, userAgent);
}

/**
 * The client's trace context, if it sent one. The header names come from the configured
 * propagators (OTEL_PROPAGATORS), read once: a request that carries none of them skips the
 * extraction.
 */
function parentContextOf(request: FastifyRequest, fields: readonly string[]): Context {
  const { headers } = request;
  for (const field of fields) {
    if (headers[field] !== undefined) return propagation.extract(ROOT_CONTEXT, headers);
  }
  return ROOT_CONTEXT;
}

/**
 * Sampling decided before any span exists: the sampler sees the same parent, trace id, name
 * and kind as the SDK's tracer would give it. An unsampled request gets no SDK span at all,
 * only a span context (`trace.wrapSpanContext`) that carries its trace id (and a span id,
 * drawn when first read) to its log lines and its tasks' links; a sampled one gets a
 * RecordingServerSpan under the trace id drawn here (the SDK's span only when the tracer's
 * parts could not be read).
 */
function startServerSpan(source: SpanSource, name: string, parent: Context): Span {
  const parentSpanContext = trace.getSpanContext(parent);
  const hasParent = parentSpanContext !== undefined && trace.isSpanContextValid(parentSpanContext);
  const traceId = hasParent ? parentSpanContext.traceId : source.ids.generateTraceId();
  const result =
    !hasParent && source.rootSampling !== undefined
      ? source.rootSampling.decide(source.ids.lastTraceIdFold)
      : source.sampler.shouldSample(
          parent,
          traceId,
          name,
          SpanKind.SERVER,
          NO_ATTRIBUTES,
          NO_LINKS,
        );
  if (result.decision === SamplingDecision.NOT_RECORD) {
    const traceState = result.traceState ?? parentSpanContext?.traceState;
    return trace.wrapSpanContext(new UnsampledSpanContext(source.ids, traceId, traceState));
  }
  if (source.recording !== undefined) {
    const spanContext: SpanContext = {
      traceId,
      spanId: source.ids.generateSpanId(),
      traceFlags:
        result.decision === SamplingDecision.RECORD_AND_SAMPLED
          ? TraceFlags.SAMPLED
          : TraceFlags.NONE,
      traceState: result.traceState ?? parentSpanContext?.traceState,
    };
    return new RecordingServerSpan(
      source.recording,
      name,
      spanContext,
      hasParent ? parentSpanContext : undefined,
      parent,
      result.attributes,
    );
  }
  if (!hasParent) source.ids.presetTraceId(traceId);
  source.sampler.presetDecision(traceId, result);
  return source.tracer.startSpan(name, SERVER_SPAN, parent);
}

/**
 * The hooks of one route: onRequest starts the server span (a child of the client's W3C
 * traceparent, if any) and makes it active for the rest of the request; onResponse ends it.
 * An unsampled request costs a trace id, the sampler's decision and one context switch: enough
 * for its log lines to carry a trace id, nothing more. No onRequestAbort hook: Fastify would
 * add a 'close' listener to every request for it; a request the client aborts before its
 * response simply leaves an unended span, which is never exported.
 */
function routeHooks(source: SpanSource, templates: ReadonlyMap<string, RouteSpanTemplate>) {
  const fields = propagation.fields();
  const onRequest: Hook = (request, _reply, done) => {
    const template = templates.get(request.method);
    if (template === undefined) return done();
    const parent = parentContextOf(request, fields);
    // Attributes are added once the span is known to record: handed to startSpan, the SDK
    // would copy and validate them for every unsampled request too, and none of the samplers
    // that OTEL_TRACES_SAMPLER can select reads them.
    const span = startServerSpan(source, template.name, parent);
    if (span.isRecording()) addRequestAttributes(request, template, span);
    const active = new RequestContext(parent, span);
    (request as TracedRequest)[kServerSpan] = span;
    (request as TracedRequest)[kTraceContext] = active;
    context.with(active, done);
  };

  // The body arrives in socket callbacks that run outside the request's context: re-enter
  // it before the handler, so the handler's logs and tasks see the request's span.
  const preHandler: Hook = (request, _reply, done) => {
    const active = (request as TracedRequest)[kTraceContext];
    if (active === null) return done();
    context.with(active, done);
  };

  const onResponse: Hook = (request, reply, done) => {
    const span = (request as TracedRequest)[kServerSpan];
    if (span?.isRecording()) {
      const status = reply.statusCode;
      setKnownAttribute(span, ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        setKnownAttribute(span, ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    done();
  };

  return { onRequest, preHandler, onResponse };
}

const asArray = <T>(hooks: T | T[] | undefined): T[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];

/** Adds the span hooks to one route, at registration time: nothing per request is looked up. */
function traceRoute(source: SpanSource, routeOptions: RouteOptions): void {
  const route = routeOptions.url;
  if (UNTRACED_ROUTES.has(route)) return;
  const methods = asArray(routeOptions.method);
  const templates = new Map(methods.map((method) => [method, templateFor(method, route)]));
  const hooks = routeHooks(source, templates);
  const options = routeOptions as unknown as Record<string, unknown[] | undefined>;
  options.onRequest = [hooks.onRequest, ...asArray(routeOptions.onRequest)];
  options.onResponse = [...asArray(routeOptions.onResponse), hooks.onResponse];
  if (methods.some((method) => BODY_METHODS.has(method))) {
    options.preHandler = [hooks.preHandler, ...asArray(routeOptions.preHandler)];
  }
}

/** Installs the span source on one Fastify instance (before its routes are registered). */
export function traceServerRequests(fastify: FastifyInstance, source: SpanSource): void {
  decorateTracedRequests(fastify);
  fastify.addHook('onRoute', (routeOptions) => traceRoute(source, routeOptions));
}

/**
 * One server span per request from a Fastify hook pair, following the HTTP server semantic
 * conventions; installed on every Fastify instance as it is created (Fastify publishes each
 * new instance on the `fastify.initialization` diagnostics channel), so the app needs no code
 * for it. Unmatched (404) requests get no span.
 */
export function traceFastifyServers(source: SpanSource): void {
  subscribe('fastify.initialization', (message) => {
    traceServerRequests((message as { fastify: FastifyInstance }).fastify, source);
  });
}
