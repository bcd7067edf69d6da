import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Registry } from 'prom-client';
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

export interface HttpHandlers {
  /**
   * node:http and Express: answers `GET /looplab/stalls` (and `GET /metrics` with
   * `serveMetrics`) and returns true; otherwise calls `next` if given and returns false.
   */
  handle(request: IncomingMessage, response: ServerResponse, next?: () => void): boolean;
  /** Fastify: `fastify.get('/looplab/stalls', looplab.fastifyHandler)`. */
  fastifyHandler(request: { url: string }, reply: ReplyLike): ReplyLike;
}

function send(response: ServerResponse, answer: HttpAnswer): void {
  response.writeHead(answer.statusCode, { 'content-type': answer.contentType });
  response.end(answer.body);
}

function sendMetrics(response: ServerResponse, registry: Registry): void {
  registry.metrics().then(
    (body) => send(response, { statusCode: 200, contentType: registry.contentType, body }),
    (error: unknown) =>
      send(response, { statusCode: 500, contentType: 'text/plain', body: String(error) }),
  );
}

/** The endpoint for each kind of server; `metrics`: also serve `GET /metrics` from it. */
export function httpHandlers(
  read: (since?: number) => StallsDocument,
  metrics: Registry | undefined,
): HttpHandlers {
  return {
    handle(request, response, next) {
      const path = pathOf(request.url);
      if (request.method === 'GET' && path === STALLS_PATH) {
        send(response, answerStalls(read, request.url));
        return true;
      }
      if (metrics && request.method === 'GET' && path === METRICS_PATH) {
        sendMetrics(response, metrics);
        return true;
      }
      next?.();
      return false;
    },
    fastifyHandler(request, reply) {
      const answer = answerStalls(read, request.url);
      return reply
        .code(answer.statusCode)
        .header('content-type', answer.contentType)
        .send(answer.body);
    },
  };
}
