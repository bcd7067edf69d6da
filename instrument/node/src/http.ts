import { STATUS_CODES } from 'node:http';
import type { StallsDocument } from './stall-document.js';

export const STALLS_PATH = '/looplab/stalls';
export const METRICS_PATH = '/metrics';

export interface HttpAnswer {
  statusCode: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const CURSOR = /^\d{1,15}$/;

function badRequest(field: string, rule: string): HttpAnswer {
  return {
    statusCode: 400,
    contentType: JSON_TYPE,
    body: JSON.stringify({
      statusCode: 400,
      error: STATUS_CODES[400],
      message: `invalid ${field}`,
      issues: [{ field, rule }],
    }),
  };
}

/** The answer to `GET /looplab/stalls?since=<cursor>` (the request's URL, path and query). */
export function answerStalls(
  read: (since?: number) => StallsDocument,
  requestUrl: string | undefined,
): HttpAnswer {
  const query = new URL(requestUrl ?? '/', 'http://localhost').searchParams;
  const since = query.get('since');
  if (since !== null && !CURSOR.test(since)) {
    return badRequest('since', "must be a non-negative integer: a previous answer's next");
  }
  return {
    statusCode: 200,
    contentType: JSON_TYPE,
    body: JSON.stringify(read(since === null ? undefined : Number(since))),
  };
}

/** The path of a request URL, without its query string. */
export function pathOf(requestUrl: string | undefined): string {
  const url = requestUrl ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** What this package needs of a Fastify reply (structural, so Fastify is no dependency). */
export interface ReplyLike {
  code(statusCode: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(payload: string): ReplyLike;
}
