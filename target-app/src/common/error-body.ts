import { STATUS_CODES } from 'node:http';
import { MAX_BODY_BYTES } from '@looplab/contract';
import { HttpException } from '@nestjs/common';
import type { ApiErrorBody } from './api-error.js';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function isFastifyClientError(error: unknown): error is FastifyLikeError {
  const candidate = error as FastifyLikeError | undefined;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  );
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Client mistakes Fastify detects before any handler runs, with the rule they broke. */
function fastifyClientError(error: FastifyLikeError, status: number): ApiErrorBody {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        statusCode: 400,
        error: reason(400),
        message: 'malformed JSON body',
        issues: [{ field: 'body', rule: 'must be valid, non-empty JSON' }],
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        statusCode: 413,
        error: reason(413),
        message: 'request body is too large',
        issues: [{ field: 'body', rule: `must be at most ${MAX_BODY_BYTES} bytes` }],
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 415,
        error: reason(415),
        message: 'unsupported content type',
        issues: [{ field: 'content-type', rule: 'must be application/json' }],
      };
    default:
      return {
        statusCode: status,
        error: reason(status),
        message: error.message ?? reason(status),
      };
  }
}

/** Maps anything thrown while serving a request to a status and the API's error body. */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof HttpException) {
    // Nest maps Fastify's own 4xx errors (body parsing) to HttpException, keeping the original.
    if (isFastifyClientError(error.cause))
      return fastifyClientError(error.cause, error.getStatus());
    const status = error.getStatus();
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const body = response as Partial<ApiErrorBody> & { message: unknown };
      return {
        statusCode: status,
        error: body.error ?? reason(status),
        message: Array.isArray(body.message) ? body.message.join('; ') : String(body.message),
        ...(body.issues ? { issues: body.issues } : {}),
        ...(body.task_id ? { task_id: body.task_id, status_url: body.status_url } : {}),
      };
    }
    return { statusCode: status, error: reason(status), message: String(response) };
  }
  if (isFastifyClientError(error) && error.statusCode !== undefined) {
    return fastifyClientError(error, error.statusCode);
  }
  return { statusCode: 500, error: reason(500), message: 'internal server error' };
}
