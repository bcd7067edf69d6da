import { APP_DEFAULTS } from '@looplab/contract';
import {
  type Attributes,
  type Context,
  type Link,
  type SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

/**
 * The sampler and the share of new traces (requests without a sampled parent) that are stored
 * when OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG are not set (contract/data/defaults.json;
 * docs/instrumentation.md says why). OTEL_TRACES_SAMPLER_ARG=1 stores every trace.
 */
export const DEFAULT_SAMPLER = APP_DEFAULTS.OTEL_TRACES_SAMPLER;
export const DEFAULT_SAMPLE_RATIO = Number(APP_DEFAULTS.OTEL_TRACES_SAMPLER_ARG);

const SAMPLED: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const NOT_SAMPLED: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

const isSampled = (link: Link) => (link.context.traceFlags & TraceFlags.SAMPLED) !== 0;

/**
 * Parent-based sampling extended to links: a root span linked to a sampled span is
 * sampled too, so a background task's span is stored whenever the request that enqueued
 * it was (the task runs in a trace of its own, linked, not parented, to the request).
 * Everything else is the wrapped sampler's decision.
 */
export class LinkFollowingSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  // Spelled-out parameters, not `...args`: this runs for every request, and a rest array
  // would be allocated (and spread again) each time.
  shouldSample(
    parent: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (links.length > 0 && !hasParent(parent) && links.some(isSampled)) return SAMPLED;
    return this.delegate.shouldSample(parent, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `LinkFollowing{${this.delegate.toString()}}`;
  }
}

function hasParent(parent: Context): boolean {
  const spanContext = trace.getSpanContext(parent);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext);
}

export class SamplerConfigError extends Error {}

function ratioFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SAMPLE_RATIO;
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new SamplerConfigError(
      `OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(value)}: must be a number between 0 and 1`,
    );
  }
  return ratio;
}

const parentBased = (root: Sampler) => new LinkFollowingSampler(new ParentBasedSampler({ root }));

/**
 * The SDK's sampler with one shortcut: the server span source decides a request's sampling
 * itself and only then asks the tracer for a span, and the tracer asks its sampler again, with
 * the same parent and trace id, for the same answer. That second decision cost about 3.8 µs of
 * the 24 µs a sampled span costs inside the saturated app (measured 2026-12-03), so the span
 * source hands its decision over instead, for that one trace id, once.
 */
export class PresetDecisionSampler implements Sampler {
  private preset: { traceId: string; result: SamplingResult } | undefined;

  constructor(private readonly delegate: Sampler) {}

  /** The next decision asked for `traceId` is `result`, without asking the delegate. */
  presetDecision(traceId: string, result: SamplingResult): void {
    this.preset = { traceId, result };
  }

  shouldSample(
    parent: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const preset = this.preset;
    if (preset?.traceId === traceId) {
      this.preset = undefined;
      return preset.result;
    }
    return this.delegate.shouldSample(parent, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return this.delegate.toString();
  }
}

/**
 * The ratio samplers' decision for a new trace (no parent, no links), from the trace id's fold
 * (the XOR of its four big-endian 32-bit words, PooledIdGenerator.lastTraceIdFold) instead of
 * its hex text. TraceIdRatioBasedSampler validates the hex with a regular expression and folds
 * it character by character: about 0.6 µs per request here, 2 % of a saturated /ping, for an
 * id this app drew itself a moment before. Same bound and comparison as the SDK's sampler;
 * sampler.spec.ts holds the two to the same decisions, so an SDK change shows there.
 */
export class RootRatioSampling {
  private readonly upperBound: number;

  constructor(ratio: number) {
    this.upperBound = ratio >= 1 ? 2 ** 32 : Math.floor(Math.max(ratio, 0) * 0xffffffff);
  }

  decide(traceIdFold: number): SamplingResult {
    return traceIdFold < this.upperBound ? SAMPLED : NOT_SAMPLED;
  }
}

const RATIO_SAMPLERS = new Set(['traceidratio', 'parentbased_traceidratio']);

/** The root decision of the configured sampler, when it is one of the ratio samplers. */
export function rootSamplingFromEnv(env: NodeJS.ProcessEnv): RootRatioSampling | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || DEFAULT_SAMPLER;
  if (!RATIO_SAMPLERS.has(name)) return undefined;
  return new RootRatioSampling(ratioFrom(env.OTEL_TRACES_SAMPLER_ARG));
}

/** The samplers of the OpenTelemetry SDK environment-variable specification that exist in JS. */
const SAMPLERS: Record<string, (arg: string | undefined) => Sampler> = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (arg) => new TraceIdRatioBasedSampler(ratioFrom(arg)),
  parentbased_always_on: () => parentBased(new AlwaysOnSampler()),
  parentbased_always_off: () => parentBased(new AlwaysOffSampler()),
  parentbased_traceidratio: (arg) => parentBased(new TraceIdRatioBasedSampler(ratioFrom(arg))),
};
export const SAMPLER_NAMES = Object.keys(SAMPLERS);

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the OpenTelemetry specification defines
 * them, with looplab's default (parentbased_traceidratio at DEFAULT_SAMPLE_RATIO) when unset.
 * The parentbased_* samplers also follow links (LinkFollowingSampler). Stricter than the
 * specification's "warn and ignore": an unknown name or a bad ratio is a start-up error.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || DEFAULT_SAMPLER;
  const build = SAMPLERS[name];
  if (!build) {
    throw new SamplerConfigError(
      `OTEL_TRACES_SAMPLER=${JSON.stringify(name)}: unknown sampler (known: ${SAMPLER_NAMES.join(', ')})`,
    );
  }
  return build(env.OTEL_TRACES_SAMPLER_ARG);
}
