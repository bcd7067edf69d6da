import {
  context,
  type HrTime,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  StackContextManager,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../common/tasks/task.js';
import { currentOrigin, TaskTracing } from './task-tracing.js';

const toMs = (time: HrTime) => time[0] * 1000 + time[1] / 1e6;

let exporter: InMemorySpanExporter;
let provider: TracerProvider;
let tracer: Tracer;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  tracer = provider.getTracer('task-tracing-spec');
});

afterEach(async () => {
  await provider.shutdown();
});

/** Starts and ends a "request" span; returns its context as a task origin. */
function requestSpan() {
  const span = tracer.startSpan('request', { kind: SpanKind.SERVER });
  span.end();
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { traceId, spanId, traceFlags };
}

function finishedTask(overrides: Partial<Task> = {}): Task {
  const queuedAt = Date.now() - 500.25;
  return {
    id: 'task-1',
    strategy: 'pooled',
    spec: { workload: 'cpu', ms: 200 },
    status: 'done',
    queuedAt,
    startedAt: queuedAt + 100.5,
    finishedAt: queuedAt + 300.75,
    ...overrides,
  };
}

function exportedTaskSpan(): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((span) => span.name.startsWith('task '));
  expect(spans).toHaveLength(1);
  const [span] = spans;
  if (!span) throw new Error('no task span exported');
  return span;
}

describe('TaskTracing.record', () => {
  it('exports one span, in a trace of its own, linked to the enqueuing request', () => {
    const origin = requestSpan();
    const task = finishedTask({ origin });

    const returned = new TaskTracing(tracer).record(task);
    const span = exportedTaskSpan();

    expect(span.name).toBe('task pooled cpu');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.ended).toBe(true);
    expect(span.spanContext().spanId).toBe(returned.spanContext().spanId);

    expect(span.links).toHaveLength(1);
    const link = span.links[0];
    expect(link?.context.traceId).toBe(origin.traceId);
    expect(link?.context.spanId).toBe(origin.spanId);
    expect(link?.context.traceFlags).toBe(origin.traceFlags);
    expect(link?.attributes).toEqual({ 'looplab.link': 'enqueued_by' });

    // Its own trace: a root span, not a child of the (long finished) request.
    expect(span.spanContext().traceId).not.toBe(origin.traceId);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('starts at acceptance, marks the start of the run and ends at the finish', () => {
    const task = finishedTask({ origin: requestSpan() });
    new TaskTracing(tracer).record(task);
    const span = exportedTaskSpan();

    expect(toMs(span.startTime)).toBeCloseTo(task.queuedAt, 0);
    expect(toMs(span.endTime)).toBeCloseTo(task.finishedAt ?? Number.NaN, 0);
    expect(span.events.map((event) => event.name)).toEqual(['task.started']);
    expect(toMs(span.events[0]?.time ?? [0, 0])).toBeCloseTo(task.startedAt ?? Number.NaN, 0);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('carries the task attributes, with wait and run times', () => {
    const task = finishedTask();
    new TaskTracing(tracer).record(task);
    const { attributes } = exportedTaskSpan();

    expect(attributes).toMatchObject({
      'looplab.task.id': 'task-1',
      'looplab.task.strategy': 'pooled',
      'looplab.task.workload': 'cpu',
      'looplab.task.status': 'done',
      'looplab.task.ms': 200,
    });
    expect(attributes['looplab.task.wait_ms']).toBeCloseTo(100.5, 6);
    expect(attributes['looplab.task.run_ms']).toBeCloseTo(200.25, 6);
    expect(attributes).not.toHaveProperty('looplab.task.iterations');
  });

  it('records the iteration count for an iterations task', () => {
    new TaskTracing(tracer).record(
      finishedTask({ strategy: 'blocking', spec: { workload: 'hash', iterations: 7 } }),
    );
    const span = exportedTaskSpan();
    expect(span.name).toBe('task blocking hash');
    expect(span.attributes['looplab.task.iterations']).toBe(7);
    expect(span.attributes).not.toHaveProperty('looplab.task.ms');
  });

  it('has no links without an origin', () => {
    new TaskTracing(tracer).record(finishedTask());
    expect(exportedTaskSpan().links).toEqual([]);
  });

  it('marks a failed task as an error, with its message', () => {
    new TaskTracing(tracer).record(
      finishedTask({ status: 'failed', error: 'injected fault: the workload threw' }),
    );
    const span = exportedTaskSpan();
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'injected fault: the workload threw',
    });
    expect(span.attributes['looplab.task.status']).toBe('failed');
  });

  it('marks a rejected task as an error; it never started, so has no run timings', () => {
    const queuedAt = Date.now() - 10;
    new TaskTracing(tracer).record(
      finishedTask({
        status: 'rejected',
        error: 'queue_full',
        startedAt: undefined,
        finishedAt: queuedAt,
        queuedAt,
      }),
    );
    const span = exportedTaskSpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'queue_full' });
    expect(span.events).toEqual([]);
    expect(span.attributes).not.toHaveProperty('looplab.task.wait_ms');
    expect(span.attributes).not.toHaveProperty('looplab.task.run_ms');
    expect(toMs(span.endTime)).toBeCloseTo(queuedAt, 0);
  });

  it('falls back to the status as the error message', () => {
    new TaskTracing(tracer).record(finishedTask({ status: 'failed', error: undefined }));
    expect(exportedTaskSpan().status).toEqual({ code: SpanStatusCode.ERROR, message: 'failed' });
  });
});

describe('currentOrigin', () => {
  beforeEach(() => {
    context.setGlobalContextManager(new StackContextManager().enable());
  });

  afterEach(() => {
    context.disable();
  });

  it('is undefined outside any span', () => {
    expect(currentOrigin()).toBeUndefined();
  });

  it('is undefined for an invalid span context', () => {
    const invalid = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    expect(context.with(trace.setSpan(context.active(), invalid), currentOrigin)).toBeUndefined();
  });

  it('captures the active request span, and the recorded task links to it', () => {
    const request = tracer.startSpan('request', { kind: SpanKind.SERVER });
    const origin = context.with(trace.setSpan(context.active(), request), currentOrigin);
    request.end();

    const expected = request.spanContext();
    expect(origin).toEqual({
      traceId: expected.traceId,
      spanId: expected.spanId,
      traceFlags: expected.traceFlags,
    });

    // Recorded later, with the request span still active: still a root span of its own trace.
    context.with(trace.setSpan(context.active(), request), () =>
      new TaskTracing(tracer).record(finishedTask({ origin })),
    );
    const span = exportedTaskSpan();
    expect(span.links[0]?.context.spanId).toBe(expected.spanId);
    expect(span.spanContext().traceId).not.toBe(expected.traceId);
    expect(span.parentSpanContext).toBeUndefined();
  });
});
