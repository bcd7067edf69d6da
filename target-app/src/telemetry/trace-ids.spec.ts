import { TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator, UnsampledSpanContext } from './trace-ids.js';

describe('PooledIdGenerator', () => {
  it('draws lowercase hex ids of the W3C lengths, all distinct across pool refills', () => {
    const ids = new PooledIdGenerator();
    const traceIds = Array.from({ length: 1000 }, () => ids.generateTraceId());
    const spanIds = Array.from({ length: 1000 }, () => ids.generateSpanId());
    expect(traceIds.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(spanIds.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
  });

  it('returns a preset trace id exactly once, then random ones again', () => {
    const ids = new PooledIdGenerator();
    const preset = '4bf92f3577b34da6a3ce929d0e0e4736';
    ids.presetTraceId(preset);
    expect(ids.generateTraceId()).toBe(preset);
    expect(ids.generateTraceId()).not.toBe(preset);
  });
});

describe('UnsampledSpanContext', () => {
  it('draws its span id when first read, then keeps it', () => {
    let drawn = 0;
    const ids = new PooledIdGenerator();
    const counting = {
      generateTraceId: () => ids.generateTraceId(),
      generateSpanId: () => {
        drawn++;
        return ids.generateSpanId();
      },
    };
    const spanContext = new UnsampledSpanContext(counting, ids.generateTraceId(), undefined);
    const span = trace.wrapSpanContext(spanContext);
    expect(drawn).toBe(0);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    const spanId = span.spanContext().spanId;
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.spanContext().spanId).toBe(spanId);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    expect(drawn).toBe(1);
  });
});
