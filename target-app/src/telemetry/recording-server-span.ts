import {
  type Attributes,
  type AttributeValue,
  type Context,
  diag,
  type Exception,
  type HrTime,
  type Link,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
} from '@opentelemetry/api';
import {
  AddAttributeDecision,
  addHrTimes,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTimeDuration,
  isTimeInput,
  maybeAddAttribute,
  millisToHrTime,
  timeInputToHrTime,
} from '@opentelemetry/core';
import type { Span as SdkSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import type { TracerParts } from './tracer-parts.js';

const NO_DURATION: HrTime = Object.freeze([-1, -1]) as unknown as HrTime;
const NOT_ENDED: HrTime = Object.freeze([0, 0]) as unknown as HrTime;

/**
 * Room for one more event or link, as the SDK's span makes it: none at a limit of 0; at the
 * limit, the oldest entry is dropped (`made`); otherwise `free`. Both non-free cases count as
 * one dropped.
 */
function makeRoom(list: unknown[], limit: number): 'free' | 'made' | 'none' {
  if (limit === 0) return 'none';
  if (list.length < limit) return 'free';
  list.shift();
  return 'made';
}

/**
 * The recorded span of a sampled server request, handed to the SDK's span processors
 * (exporters) exactly as the SDK's own span would be: `onStart` when it starts, `onEnding` and
 * `onEnd` when it ends, with the tracer's resource, scope and span limits.
 *
 * Why not the SDK's span: at saturation one sampled request in ten (the default ratio) costs
 * the app ~7 % of its /ping throughput through `tracer.startSpan` (a second sampling call,
 * the SDK's span metrics, a WeakSet per attribute to validate values we know are strings),
 * measured side by side (docs/instrumentation.md, "Sixth look"). This class does what a
 * server span needs with the SDK's own helpers for everything a caller can pass in
 * (attributes, events, links, times), and nothing per request that the span does not use.
 * Everything else (sampling, ids, context, processors, export) stays the SDK's.
 */
export class RecordingServerSpan implements SdkSpan {
  readonly kind = SpanKind.SERVER;
  readonly attributes: Attributes;
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly resource: SdkSpan['resource'];
  readonly instrumentationScope: SdkSpan['instrumentationScope'];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  /** Wall-clock start in epoch milliseconds, as the SDK's span takes it (Date.now). */
  private readonly startEpochMs = Date.now();
  /** The monotonic clock at the start: durations are measured on it, as the SDK does. */
  private readonly startPerfMs = performance.now();
  private attributeCount = 0;
  private isEnded = false;
  private endHrTime: HrTime = NOT_ENDED;
  private durationHrTime: HrTime = NO_DURATION;

  constructor(
    private readonly tracer: TracerParts,
    public name: string,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    parent: Context,
    samplerAttributes: Attributes | undefined,
  ) {
    this.resource = tracer.resource;
    this.instrumentationScope = tracer.instrumentationScope;
    this.attributes = {};
    if (samplerAttributes !== undefined) this.setAttributes(samplerAttributes);
    tracer.spanProcessor.onStart(this, parent);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get startTime(): HrTime {
    return millisToHrTime(this.startEpochMs);
  }

  get endTime(): HrTime {
    return this.endHrTime;
  }

  get duration(): HrTime {
    return this.durationHrTime;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /**
   * An attribute the span source knows to be valid (a string or a number it read from the
   * request): the span limits still apply, the value check does not.
   */
  recordKnownAttribute(key: string, value: string | number): void {
    if (this.ended) return;
    const limits = this.tracer.spanLimits;
    if (!Object.hasOwn(this.attributes, key)) {
      if (this.attributeCount >= limits.attributeCountLimit) {
        this.droppedAttributesCount++;
        return;
      }
      this.attributeCount++;
    }
    this.attributes[key] =
      typeof value === 'string' && value.length > limits.attributeValueLengthLimit
        ? value.slice(0, limits.attributeValueLengthLimit)
        : value;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.ended) return this;
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: this.tracer.spanLimits,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.ADD_NEW) this.attributeCount++;
    else if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) this.droppedAttributesCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      if (value !== undefined) this.setAttribute(key, value);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const room = makeRoom(this.events, this.tracer.spanLimits.eventCountLimit);
    if (room !== 'free') this.droppedEventsCount++;
    if (room === 'none') return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(time)) time = attributesOrStartTime;
    } else {
      attributes = attributesOrStartTime;
    }
    this.events.push({
      name,
      time: this.timeOf(time),
      ...cleanSimpleAttributes(attributes, {
        attributeCountLimit: this.tracer.spanLimits.attributePerEventCountLimit,
        attributeValueLengthLimit: this.tracer.spanLimits.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    const room = makeRoom(this.links, this.tracer.spanLimits.linkCountLimit);
    if (room !== 'free') this.droppedLinksCount++;
    if (room === 'none') return this;
    this.links.push({
      context: link.context,
      ...cleanAttributes(link.attributes, {
        attributeCountLimit: this.tracer.spanLimits.attributePerLinkCountLimit,
        attributeValueLengthLimit: this.tracer.spanLimits.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET never overwrites, OK is final, a message only with ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes[ATTR_EXCEPTION_MESSAGE] = exception;
    } else if (exception) {
      const type = exception.code?.toString() ?? exception.name;
      if (type) attributes[ATTR_EXCEPTION_TYPE] = type;
      if (exception.message) attributes[ATTR_EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[ATTR_EXCEPTION_STACKTRACE] = exception.stack;
    }
    if (attributes[ATTR_EXCEPTION_TYPE] || attributes[ATTR_EXCEPTION_MESSAGE]) {
      this.addEvent('exception', attributes, time);
    } else {
      diag.warn(`Failed to record an exception ${String(exception)}`);
    }
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.context.traceId}-${this.context.spanId}: end() called twice`);
      return;
    }
    const start = this.startTime;
    let end = endTime === undefined ? undefined : timeInputToHrTime(endTime);
    let duration = end === undefined ? undefined : hrTimeDuration(start, end);
    if (end === undefined || duration === undefined || duration[0] < 0) {
      duration = millisToHrTime(endTime === undefined ? performance.now() - this.startPerfMs : 0);
      end = addHrTimes(start, duration);
    }
    this.durationHrTime = duration;
    this.endHrTime = end;
    // As the SDK: processors may still change the span in onEnding, not once it has ended.
    const processor = this.tracer.spanProcessor;
    processor.onEnding?.(this);
    this.isEnded = true;
    processor.onEnd(this);
  }

  /** An event's time: given (any TimeInput), or now on the span's monotonic clock. */
  private timeOf(time: TimeInput | undefined): HrTime {
    if (time !== undefined) return timeInputToHrTime(time);
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.startPerfMs));
  }
}
