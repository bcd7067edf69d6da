import { type Context, createContextKey, type Span } from '@opentelemetry/api';

/**
 * The key `trace.setSpan` stores a span under: the API creates it as
 * `createContextKey('OpenTelemetry Context Key SPAN')`, a `Symbol.for`, so this is the same key
 * (request-context.spec.ts checks it against `trace.getSpan`).
 */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * What `trace.setSpan(parent, span)` returns, as one small object: the API's context copies its
 * parent's Map and makes three closures for every context, and the server span source makes
 * one context per request. Reads fall through to the parent; a write (rare: a nested span, a
 * baggage entry) builds the API's own context and writes to that.
 */
export class RequestContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly span: Span,
  ) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.withSpan().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.withSpan().deleteValue(key);
  }

  private withSpan(): Context {
    return this.parent.setValue(SPAN_KEY, this.span);
  }
}
