import type { Tracer } from '@opentelemetry/api';
import type { Span as SdkSpan, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace';

/** What a span recorded outside the SDK's tracer needs from it to be exported as its own. */
export interface TracerParts {
  spanProcessor: SpanProcessor;
  resource: SdkSpan['resource'];
  instrumentationScope: SdkSpan['instrumentationScope'];
  spanLimits: Required<SpanLimits>;
}

/** The fields of the SDK's Tracer (@opentelemetry/sdk-trace 3.x) that hold those parts. */
interface SdkTracerFields {
  _spanProcessor?: Partial<SpanProcessor>;
  _resource?: { attributes?: unknown };
  _spanLimits?: Partial<Record<keyof SpanLimits, unknown>>;
  instrumentationScope?: { name?: unknown };
}

const LIMIT_NAMES = [
  'attributeValueLengthLimit',
  'attributeCountLimit',
  'linkCountLimit',
  'eventCountLimit',
  'attributePerEventCountLimit',
  'attributePerLinkCountLimit',
] as const satisfies readonly (keyof SpanLimits)[];

/**
 * The SDK tracer's span processor, resource, scope and span limits. The SDK has no public
 * accessor for them, so they are read from its fields and checked: a tracer of another shape
 * (a proxy, a future SDK) gives undefined, and the caller keeps using the SDK's own spans.
 */
export function tracerParts(tracer: Tracer): TracerParts | undefined {
  const fields = tracer as Tracer & SdkTracerFields;
  const processor = fields._spanProcessor;
  const resource = fields._resource;
  const scope = fields.instrumentationScope;
  const limits = fields._spanLimits;
  if (
    typeof processor?.onStart !== 'function' ||
    typeof processor.onEnd !== 'function' ||
    typeof resource?.attributes !== 'object' ||
    typeof scope?.name !== 'string' ||
    limits === undefined ||
    !LIMIT_NAMES.every((name) => typeof limits[name] === 'number')
  ) {
    return undefined;
  }
  return {
    spanProcessor: processor as SpanProcessor,
    resource: resource as SdkSpan['resource'],
    instrumentationScope: scope as SdkSpan['instrumentationScope'],
    spanLimits: limits as Required<SpanLimits>,
  };
}
