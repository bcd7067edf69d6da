import {
  type Context,
  context,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  type Span as SdkSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { RecordingServerSpan } from './recording-server-span.js';
import { tracerParts } from './tracer-parts.js';

/** Tight limits, so every limit the SDK's span applies is reached by the script below. */
const SPAN_LIMITS = {
  attributeCountLimit: 6,
  attributeValueLengthLimit: 8,
  eventCountLimit: 2,
  linkCountLimit: 1,
  attributePerEventCountLimit: 2,
  attributePerLinkCountLimit: 1,
};

const PARENT = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};
const LINKED = { ...PARENT, spanId: '1111111111111111', isRemote: false };

function tracerWith(processors: SpanProcessor[]) {
  const provider = new TracerProvider({
    spanLimits: SPAN_LIMITS,
    spanProcessors: processors,
    resource: undefined,
  });
  return provider.getTracer('looplab.test', '1.2.3');
}

/** Everything a caller can do to a span, including the calls the SDK drops or truncates. */
function script(span: Span): void {
  span.setAttribute('http.request.method', 'GET');
  span.setAttribute('url.path', '/a/rather/long/path');
  span.setAttribute('empty', undefined as unknown as string);
  span.setAttribute('invalid', { nested: true } as unknown as string);
  span.setAttributes({ 'list.value': [1, 2, 3], 'bool.value': true, overwritten: 'first' });
  span.setAttribute('overwritten', 'second');
  span.setAttribute('one.too.many', 1);
  span.setAttribute('two.too.many', 2);
  span.addEvent('first', { a: 1, b: 2, c: 3 }, 1_700_000_000_000);
  span.addEvent('second', [1_700_000_000, 5]);
  span.addEvent('third', { d: 'a string longer than eight' }, new Date(1_700_000_000_500));
  span.addLink({ context: LINKED, attributes: { kept: 1, dropped: 2 } });
  span.addLinks([{ context: LINKED }]);
  span.recordException(Object.assign(new Error('boom'), { code: 'E_BOOM' }), 1_700_000_001_000);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.updateName('GET /renamed');
}

function afterEnd(span: Span): void {
  span.setAttribute('late', 1);
  span.addEvent('late');
  span.updateName('too late');
  span.setStatus({ code: SpanStatusCode.OK });
}

/** The exported fields that do not depend on ids or on when the span ran. */
function comparable(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    traceFlags: span.spanContext().traceFlags,
    parentSpanContext: span.parentSpanContext,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events.map(({ name, attributes, droppedAttributesCount }) => ({
      name,
      attributes,
      droppedAttributesCount,
    })),
    eventTimes: span.events.slice(0, -1).map((event) => event.time),
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

describe('RecordingServerSpan, exported next to the SDK span given the same calls', () => {
  const exporter = new InMemorySpanExporter();
  const started: string[] = [];
  const ending: string[] = [];
  const watcher: SpanProcessor = {
    onStart: (span) => started.push(span.name),
    onEnding: (span) => {
      ending.push(span.name);
      span.setAttribute('overwritten', 'ending');
    },
    onEnd: () => undefined,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracer = tracerWith([watcher, new SimpleSpanProcessor({ exporter })]);
  const parts = tracerParts(tracer);
  const parent: Context = trace.setSpanContext(ROOT_CONTEXT, PARENT);

  const sdkSpan = tracer.startSpan('GET /route', { kind: SpanKind.SERVER }, parent);
  const ownSpan =
    parts &&
    new RecordingServerSpan(
      parts,
      'GET /route',
      { traceId: PARENT.traceId, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: TraceFlags.SAMPLED },
      PARENT,
      parent,
      undefined,
    );

  it('reads the tracer parts from the SDK tracer', () => {
    expect(parts?.spanLimits).toMatchObject(SPAN_LIMITS);
    expect(parts?.instrumentationScope).toMatchObject({ name: 'looplab.test', version: '1.2.3' });
  });

  it('exports the same name, attributes, events, links, status and counts', () => {
    if (!ownSpan) throw new Error('no tracer parts');
    for (const span of [sdkSpan, ownSpan]) {
      script(span);
      span.end();
      afterEnd(span);
    }
    const [fromSdk, own, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(own).toBe(ownSpan);
    if (!fromSdk || !own) throw new Error('spans missing');
    expect(comparable(own)).toEqual(comparable(fromSdk as ReadableSpan));
    expect(own.attributes).toMatchObject({ 'url.path': '/a/rathe', overwritten: 'ending' });
    expect(own.droppedAttributesCount).toBeGreaterThan(0);
    expect(own.droppedEventsCount).toBeGreaterThan(0);
    expect(own.droppedLinksCount).toBeGreaterThan(0);
    expect(started).toEqual(['GET /route', 'GET /route']);
    expect(ending).toEqual(['GET /renamed', 'GET /renamed']);
  });

  it('takes its start from the wall clock and its duration from the monotonic clock', () => {
    if (!ownSpan) throw new Error('no tracer parts');
    const start = hrTimeToMilliseconds(ownSpan.startTime);
    const sdkStart = hrTimeToMilliseconds((sdkSpan as SdkSpan).startTime);
    expect(Math.abs(start - sdkStart)).toBeLessThan(50);
    const duration = hrTimeToMilliseconds(ownSpan.duration);
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(hrTimeToMilliseconds(ownSpan.endTime)).toBeCloseTo(start + duration, 3);
    expect(ownSpan.isRecording()).toBe(false);
  });

  it('keeps an explicit end time, and clamps one before the start to no duration', () => {
    if (!parts) throw new Error('no tracer parts');
    const spanContext = { traceId: PARENT.traceId, spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1 };
    const later = new RecordingServerSpan(parts, 'x', spanContext, undefined, parent, undefined);
    const end = Date.now() + 1_000;
    later.end(end);
    expect(hrTimeToMilliseconds(later.endTime)).toBe(end);
    const earlier = new RecordingServerSpan(parts, 'y', spanContext, undefined, parent, undefined);
    earlier.end(Date.now() - 60_000);
    expect(earlier.duration).toEqual([0, 0]);
    expect(earlier.endTime).toEqual(earlier.startTime);
  });

  it('takes the attributes a sampler returned', () => {
    if (!parts) throw new Error('no tracer parts');
    const spanContext = { traceId: PARENT.traceId, spanId: 'cccccccccccccccc', traceFlags: 1 };
    const span = new RecordingServerSpan(parts, 'z', spanContext, undefined, parent, {
      'sampler.rule': 'keep',
    });
    expect(span.attributes).toEqual({ 'sampler.rule': 'keep' });
  });

  it('applies the count and length limits to the attributes the span source sets', () => {
    if (!parts) throw new Error('no tracer parts');
    const spanContext = { traceId: PARENT.traceId, spanId: 'dddddddddddddddd', traceFlags: 1 };
    const span = new RecordingServerSpan(parts, 'k', spanContext, undefined, parent, undefined);
    for (let index = 0; index < 8; index++) span.recordKnownAttribute(`key.${index}`, index);
    span.recordKnownAttribute('key.0', 'a value longer than eight');
    expect(Object.keys(span.attributes)).toHaveLength(SPAN_LIMITS.attributeCountLimit);
    expect(span.attributes['key.0']).toBe('a value ');
    expect(span.droppedAttributesCount).toBe(2);
  });
});

describe('tracerParts', () => {
  it('gives nothing for a tracer that is not the SDK one, so the SDK keeps making spans', () => {
    expect(tracerParts(new ProxyTracerProvider().getTracer('proxy'))).toBeUndefined();
    expect(tracerParts(trace.getTracer('no SDK registered'))).toBeUndefined();
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
