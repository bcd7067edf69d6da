import {
  type Link,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLE_RATIO,
  PresetDecisionSampler,
  RootRatioSampling,
  rootSamplingFromEnv,
  SAMPLER_NAMES,
  samplerFromEnv,
} from './sampler.js';
import { PooledIdGenerator } from './trace-ids.js';

// Trace ids the ratio samplers place at the top and the bottom of their range (XOR of 4 words).
const HIGH_TRACE_ID = `ffffffff${'0'.repeat(24)}`;
const LOW_TRACE_ID = '00000000000000000000000000000001';

const spanContext = (flags: TraceFlags, isRemote = false): SpanContext => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  traceFlags: flags,
  isRemote,
});
const withParent = (flags: TraceFlags, isRemote = false) =>
  trace.setSpanContext(ROOT_CONTEXT, spanContext(flags, isRemote));
const linkTo = (flags: TraceFlags): Link => ({ context: spanContext(flags) });

function decide(
  env: NodeJS.ProcessEnv,
  { parent = ROOT_CONTEXT, traceId = HIGH_TRACE_ID, links = [] as Link[] } = {},
): SamplingDecision {
  return samplerFromEnv(env).shouldSample(parent, traceId, 'GET /ping', SpanKind.SERVER, {}, links)
    .decision;
}

const { RECORD_AND_SAMPLED, NOT_RECORD } = SamplingDecision;

describe('samplerFromEnv (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG)', () => {
  it('defaults to parent-based trace-id ratio sampling at the default ratio', () => {
    expect(DEFAULT_SAMPLE_RATIO).toBeGreaterThan(0);
    expect(DEFAULT_SAMPLE_RATIO).toBeLessThan(1);
    expect(samplerFromEnv({}).toString()).toContain(
      `ParentBased{root=TraceIdRatioBased{${DEFAULT_SAMPLE_RATIO}}`,
    );
    // The ratio applies to new traces: a low trace id is kept, a high one dropped.
    expect(decide({}, { traceId: LOW_TRACE_ID })).toBe(RECORD_AND_SAMPLED);
    expect(decide({})).toBe(NOT_RECORD);
  });

  it('always_on samples everything, whatever the parent says', () => {
    const env = { OTEL_TRACES_SAMPLER: 'always_on' };
    expect(decide(env)).toBe(RECORD_AND_SAMPLED);
    expect(decide(env, { parent: withParent(TraceFlags.NONE, true) })).toBe(RECORD_AND_SAMPLED);
  });

  it('always_off samples nothing', () => {
    const env = { OTEL_TRACES_SAMPLER: 'always_off' };
    expect(decide(env, { traceId: LOW_TRACE_ID })).toBe(NOT_RECORD);
    expect(decide(env, { parent: withParent(TraceFlags.SAMPLED) })).toBe(NOT_RECORD);
  });

  it('OTEL_TRACES_SAMPLER_ARG sets the ratio of the default sampler too (1 keeps every trace)', () => {
    expect(decide({ OTEL_TRACES_SAMPLER_ARG: '1' })).toBe(RECORD_AND_SAMPLED);
    expect(decide({ OTEL_TRACES_SAMPLER_ARG: '0' }, { traceId: LOW_TRACE_ID })).toBe(NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' })).toBe(
      RECORD_AND_SAMPLED,
    );
  });

  it('parent-based samplers follow a remote parent (a client traceparent) either way', () => {
    const env = { OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide(env, { parent: withParent(TraceFlags.SAMPLED, true) })).toBe(RECORD_AND_SAMPLED);
    const all = { OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
    expect(decide(all, { parent: withParent(TraceFlags.NONE, true) })).toBe(NOT_RECORD);
  });

  it('traceidratio (not parent-based) ignores the parent', () => {
    const env = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide(env, { parent: withParent(TraceFlags.SAMPLED, true) })).toBe(NOT_RECORD);
  });

  it('rejects unknown samplers and bad ratios, naming the variable', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(
      `OTEL_TRACES_SAMPLER="jaeger_remote": unknown sampler (known: ${SAMPLER_NAMES.join(', ')})`,
    );
    for (const bad of ['2', '-0.1', 'half']) {
      expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: bad })).toThrow(
        `OTEL_TRACES_SAMPLER_ARG="${bad}": must be a number between 0 and 1`,
      );
    }
  });
});

describe('links: a task span is kept whenever the request that enqueued it was', () => {
  const env = { OTEL_TRACES_SAMPLER_ARG: '0' };

  it('samples a root span linked to a sampled span', () => {
    expect(decide(env, { links: [linkTo(TraceFlags.SAMPLED)] })).toBe(RECORD_AND_SAMPLED);
    expect(decide(env, { links: [linkTo(TraceFlags.NONE), linkTo(TraceFlags.SAMPLED)] })).toBe(
      RECORD_AND_SAMPLED,
    );
  });

  it('leaves a root span linked only to unsampled spans to the ratio', () => {
    expect(decide(env, { links: [linkTo(TraceFlags.NONE)] })).toBe(NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER_ARG: '1' }, { links: [linkTo(TraceFlags.NONE)] })).toBe(
      RECORD_AND_SAMPLED,
    );
  });

  it('lets a parent decide over links', () => {
    expect(
      decide(env, { parent: withParent(TraceFlags.NONE), links: [linkTo(TraceFlags.SAMPLED)] }),
    ).toBe(NOT_RECORD);
  });

  it('does not apply to the samplers that are not parent-based', () => {
    const off = { OTEL_TRACES_SAMPLER: 'always_off' };
    expect(decide(off, { links: [linkTo(TraceFlags.SAMPLED)] })).toBe(NOT_RECORD);
  });
});

describe('rootSamplingFromEnv: the ratio decision for new traces, from the id bytes', () => {
  it('decides exactly as the SDK sampler does, for every ratio and id drawn', () => {
    const ids = new PooledIdGenerator();
    for (const arg of ['0', '0.001', '0.1', '0.5', '0.999999', '1', undefined]) {
      for (const name of ['parentbased_traceidratio', 'traceidratio']) {
        const env = { OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: arg };
        const fast = rootSamplingFromEnv(env);
        const sampler = samplerFromEnv(env);
        let sampled = 0;
        for (let i = 0; i < 5_000; i++) {
          const traceId = ids.generateTraceId();
          const expected = sampler.shouldSample(
            ROOT_CONTEXT,
            traceId,
            'GET /ping',
            SpanKind.SERVER,
            {},
            [],
          );
          expect(fast?.decide(ids.lastTraceIdFold).decision, `${name} ${arg} ${traceId}`).toBe(
            expected.decision,
          );
          if (expected.decision === RECORD_AND_SAMPLED) sampled++;
        }
        // The ids cover the range: the share sampled is near the ratio.
        const ratio = arg === undefined ? DEFAULT_SAMPLE_RATIO : Number(arg);
        expect(Math.abs(sampled / 5_000 - ratio)).toBeLessThan(0.03);
      }
    }
  });

  it('agrees at the edges of the range, where the fold is 0 or 2^32 - 1', () => {
    const fast = new RootRatioSampling(1);
    expect(fast.decide(0xffffffff).decision).toBe(RECORD_AND_SAMPLED);
    expect(new RootRatioSampling(0).decide(0).decision).toBe(NOT_RECORD);
    expect(new RootRatioSampling(0.5).decide(Math.floor(0.5 * 0xffffffff)).decision).toBe(
      NOT_RECORD,
    );
    expect(new RootRatioSampling(0.5).decide(Math.floor(0.5 * 0xffffffff) - 1).decision).toBe(
      RECORD_AND_SAMPLED,
    );
  });

  it('is none for the samplers whose root decision is not a ratio', () => {
    for (const name of [
      'always_on',
      'always_off',
      'parentbased_always_on',
      'parentbased_always_off',
    ]) {
      expect(rootSamplingFromEnv({ OTEL_TRACES_SAMPLER: name })).toBeUndefined();
    }
    expect(rootSamplingFromEnv({})).toBeInstanceOf(RootRatioSampling);
  });
});

describe('PresetDecisionSampler', () => {
  it('answers the preset decision once for its trace id, and asks the sampler for anything else', () => {
    const sampler = new PresetDecisionSampler(samplerFromEnv({ OTEL_TRACES_SAMPLER_ARG: '0' }));
    const ask = (traceId: string) =>
      sampler.shouldSample(ROOT_CONTEXT, traceId, 'GET /ping', SpanKind.SERVER, {}, []).decision;
    sampler.presetDecision(LOW_TRACE_ID, { decision: RECORD_AND_SAMPLED });
    expect(ask(HIGH_TRACE_ID)).toBe(NOT_RECORD);
    expect(ask(LOW_TRACE_ID)).toBe(RECORD_AND_SAMPLED);
    expect(ask(LOW_TRACE_ID)).toBe(NOT_RECORD);
    expect(sampler.toString()).toBe(samplerFromEnv({}).toString().replace('0.1', '0'));
  });
});
