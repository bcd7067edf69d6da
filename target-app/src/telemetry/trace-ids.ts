import { randomFillSync } from 'node:crypto';
import { type SpanContext, TraceFlags, type TraceState } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const POOL_BYTES = 4096;

const ALL_ZERO_HEX = '0'.repeat(TRACE_ID_BYTES * 2);

/**
 * Trace and span ids cut from a pool of random bytes refilled 4 KiB at a time (one
 * `randomFillSync` per ~170 requests instead of Math.random per 4 bytes) and hex-encoded once
 * per refill, so an id is a substring of that hex text rather than a native hex call per id.
 *
 * It also lets the server span source decide sampling *before* it asks the SDK for a span:
 * the source draws the trace id itself, asks the sampler, and only for a sampled request
 * calls `tracer.startSpan`, after `presetTraceId` so the SDK's span gets that same trace id
 * (the ratio sampler is a function of the trace id: a fresh id would draw again).
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private hex = '';
  private offset = POOL_BYTES;
  private preset: string | undefined;

  /**
   * TraceIdRatioBasedSampler's fold of the last trace id drawn by generateTraceId (not of a
   * preset one): the XOR of its four big-endian 32-bit words, read from the bytes.
   */
  lastTraceIdFold = 0;

  generateTraceId(): string {
    const preset = this.preset;
    if (preset !== undefined) {
      this.preset = undefined;
      return preset;
    }
    const start = this.draw(TRACE_ID_BYTES);
    const pool = this.pool;
    this.lastTraceIdFold =
      (pool.readUInt32BE(start) ^
        pool.readUInt32BE(start + 4) ^
        pool.readUInt32BE(start + 8) ^
        pool.readUInt32BE(start + 12)) >>>
      0;
    return this.hexAt(start, TRACE_ID_BYTES);
  }

  generateSpanId(): string {
    return this.hexAt(this.draw(SPAN_ID_BYTES), SPAN_ID_BYTES);
  }

  /** The trace id the next `generateTraceId` returns (once). */
  presetTraceId(traceId: string): void {
    this.preset = traceId;
  }

  /** The offset in the pool of the next `bytes` random bytes that are not all zero. */
  private draw(bytes: number): number {
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.hex = this.pool.toString('hex');
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += bytes;
    // An all-zero id is invalid (W3C trace context); 2^-64 at worst, but cheap to rule out.
    return ALL_ZERO_HEX.startsWith(this.hexAt(start, bytes)) ? this.draw(bytes) : start;
  }

  private hexAt(start: number, bytes: number): string {
    return this.hex.slice(start * 2, (start + bytes) * 2);
  }
}

/**
 * The span context of an unsampled request. Its span id is drawn only when something reads
 * it (a log line, a task's link): a request that logs nothing, like most /ping calls, never
 * pays for it.
 */
export class UnsampledSpanContext implements SpanContext {
  readonly traceFlags = TraceFlags.NONE;
  private id: string | undefined;

  constructor(
    private readonly ids: IdGenerator,
    readonly traceId: string,
    readonly traceState: TraceState | undefined,
  ) {}

  get spanId(): string {
    if (this.id === undefined) this.id = this.ids.generateSpanId();
    return this.id;
  }
}
