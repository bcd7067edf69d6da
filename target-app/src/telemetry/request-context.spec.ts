import { createContextKey, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RequestContext } from './request-context.js';

const spanOf = (traceId: string) =>
  trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
const OTHER_KEY = createContextKey('looplab test key');

describe('RequestContext', () => {
  it('is what trace.setSpan would return: the span is found under the API key', () => {
    const span = spanOf('4bf92f3577b34da6a3ce929d0e0e4736');
    const requestContext = new RequestContext(ROOT_CONTEXT, span);
    expect(trace.getSpan(requestContext)).toBe(span);
    expect(trace.getSpanContext(requestContext)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it("reads the parent's other values, and a write keeps the span and leaves the parent alone", () => {
    const parent = ROOT_CONTEXT.setValue(OTHER_KEY, 'from the parent');
    const span = spanOf('4bf92f3577b34da6a3ce929d0e0e4736');
    const requestContext = new RequestContext(parent, span);
    expect(requestContext.getValue(OTHER_KEY)).toBe('from the parent');

    const written = requestContext.setValue(OTHER_KEY, 'written');
    expect(written.getValue(OTHER_KEY)).toBe('written');
    expect(trace.getSpan(written)).toBe(span);
    expect(requestContext.getValue(OTHER_KEY)).toBe('from the parent');

    const nested = spanOf('0af7651916cd43dd8448eb211c80319c');
    expect(trace.getSpan(trace.setSpan(requestContext, nested))).toBe(nested);
    expect(trace.getSpan(requestContext)).toBe(span);

    const deleted = trace.deleteSpan(requestContext);
    expect(trace.getSpan(deleted)).toBeUndefined();
    expect(deleted.getValue(OTHER_KEY)).toBe('from the parent');
  });
});
