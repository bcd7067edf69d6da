import {
  BadRequestException,
  HttpException,
  HttpStatus,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { ApiErrorBody } from './api-error.js';
import { toErrorBody } from './error-body.js';

/** Builds an error the way Fastify's content-type parser does (an Error with code and statusCode). */
function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

const MALFORMED_JSON: ApiErrorBody = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'malformed JSON body',
  issues: [{ field: 'body', rule: 'must be valid, non-empty JSON' }],
};

describe('toErrorBody: Nest HttpExceptions', () => {
  it('keeps the body of a validation error, issues included', () => {
    const body: ApiErrorBody = {
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid body',
      issues: [{ field: 'ms', rule: 'ms must be between 0 and 10000' }],
    };
    expect(toErrorBody(new BadRequestException(body))).toEqual(body);
  });

  it('uses the exception status and fills in the reason phrase', () => {
    expect(toErrorBody(new NotFoundException('task not found'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'task not found',
    });
  });

  it('joins a list of messages', () => {
    expect(toErrorBody(new BadRequestException(['ms is wrong', 'workload is wrong']))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'ms is wrong; workload is wrong',
    });
  });

  it('handles a plain string response', () => {
    expect(toErrorBody(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS))).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'slow down',
    });
  });

  it('does not add an issues key when there are none', () => {
    expect(toErrorBody(new PayloadTooLargeException('too big'))).not.toHaveProperty('issues');
  });
});

describe('toErrorBody: Fastify client errors', () => {
  it('maps a raw invalid-JSON error', () => {
    const error = fastifyError(
      'FST_ERR_CTP_INVALID_JSON_BODY',
      400,
      "Body is not valid JSON but content-type is set to 'application/json'",
    );
    expect(toErrorBody(error)).toEqual(MALFORMED_JSON);
  });

  it('maps a plain Fastify-style error object', () => {
    expect(
      toErrorBody({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'bad' }),
    ).toEqual(MALFORMED_JSON);
  });

  it('maps an invalid-JSON error that Nest wrapped in an HttpException', () => {
    const cause = fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Unexpected token } in JSON');
    const wrapped = new HttpException('Unexpected token } in JSON', 400, { cause });
    expect(toErrorBody(wrapped)).toEqual(MALFORMED_JSON);
  });

  it('maps an empty JSON body like a malformed one', () => {
    const error = fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'Body cannot be empty');
    expect(toErrorBody(error)).toEqual(MALFORMED_JSON);
  });

  it.each([
    ['raw', (error: Error) => error],
    ['wrapped', (error: Error) => new HttpException(error.message, 413, { cause: error })],
  ])('maps a too-large body to 413 with an issue (%s)', (_label, wrap) => {
    const error = fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large');
    expect(toErrorBody(wrap(error))).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request body is too large',
      issues: [{ field: 'body', rule: 'must be at most 16384 bytes' }],
    });
  });

  it.each([
    ['raw', (error: Error) => error],
    ['wrapped', (error: Error) => new HttpException(error.message, 415, { cause: error })],
  ])('maps an unsupported media type to 415 (%s)', (_label, wrap) => {
    const error = fastifyError(
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      415,
      'Unsupported Media Type: text/plain',
    );
    expect(toErrorBody(wrap(error))).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'unsupported content type',
      issues: [{ field: 'content-type', rule: 'must be application/json' }],
    });
  });

  it('passes other Fastify 4xx errors through with their own status and message', () => {
    const error = fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'bad content-length');
    expect(toErrorBody(error)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'bad content-length',
    });
  });
});

describe('toErrorBody: everything else is a 500 that leaks nothing', () => {
  it.each([
    ['an Error', new Error('connection string postgres://admin:hunter2@db')],
    ['a TypeError', new TypeError('Cannot read properties of undefined (reading "hunter2")')],
    ['a Fastify 5xx error', fastifyError('FST_ERR_SOMETHING', 500, 'hunter2 exploded')],
    [
      'a non-Fastify error with a 4xx status',
      { code: 'ENOENT', statusCode: 404, message: 'hunter2' },
    ],
    ['a string', 'hunter2'],
    ['null', null],
    ['undefined', undefined],
  ])('maps %s to 500', (_label, thrown) => {
    const body = toErrorBody(thrown);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal server error',
    });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });
});
