/**
 * `vegeta encode --to json` lines as RequestRecords.
 *
 * Result fields (lib/results.go, easyjson encoder in lib/results_easyjson.go):
 *   timestamp  RFC 3339 with nanoseconds: when the request was sent (the worker picked the tick up)
 *   latency    int64 nanoseconds from timestamp until the whole response body was read (or the error)
 *   code       HTTP status, 0 when there was no response (timeout, refused, reset)
 *   error      "" on success; the Go error text, or the status line for codes outside [200, 400)
 */
import type { RequestRecord, Role } from '../../model.js';

/** Requests vegeta sends in `durationS` at `ratePerS` when it keeps up (its pacer sends hit k at k/rate s, k = 1…, until the duration has passed). */
export function expectedRequests(ratePerS: number, durationS: number): number {
  return Math.ceil(ratePerS * durationS - 1e-9);
}

/** Epoch milliseconds (sub-ms precision kept) of a Go time.Time JSON string (RFC 3339, ns). */
export function parseGoTime(value: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + fraction;
}

/** One line of `vegeta encode --to json` as a RequestRecord. */
export function resultToRecord(line: string, role: Role, phaseStart: number): RequestRecord {
  const r = JSON.parse(line) as {
    timestamp?: unknown;
    latency?: unknown;
    code?: unknown;
    error?: unknown;
  };
  if (
    typeof r.timestamp !== 'string' ||
    typeof r.latency !== 'number' ||
    typeof r.code !== 'number'
  ) {
    throw new Error(`unexpected vegeta result: ${line.slice(0, 200)}`);
  }
  const record: RequestRecord = {
    role,
    t: parseGoTime(r.timestamp) - phaseStart,
    latencyMs: r.latency / 1e6,
    status: r.code,
  };
  if (typeof r.error === 'string' && r.error !== '') record.error = r.error;
  return record;
}
