import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiErrorBody } from './api-error.js';
import { toErrorBody } from './error-body.js';

/** What the filter needs to tell a wrong method (405) from a wrong path (404). */
export interface AllowedMethods {
  allowedMethods(path: string): string[];
}

/** Every error leaves as the same JSON shape; only real server faults are 500 and logged. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly routes?: AllowedMethods,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    // A 503 for a full queue is the API working as designed; only real faults are logged.
    if (body.statusCode === 500) this.logger.error({ err: exception }, 'unhandled error');
    // Fastify may refuse a request before routing (e.g. a QUERY without Content-Type is a 400):
    // a client error on a declared path with a method it lacks is still that 405.
    if (body.statusCode >= 400 && body.statusCode < 500) {
      const wrongMethod = this.methodNotAllowed(http.getRequest<FastifyRequest>());
      if (wrongMethod) {
        void reply.status(405).header('allow', wrongMethod.allow).send(wrongMethod.body);
        return;
      }
    }
    void reply.status(body.statusCode).send(body);
  }

  /** A declared path asked for with a method it does not have: 405 with Allow, not 404. */
  private methodNotAllowed(
    request: FastifyRequest,
  ): { allow: string; body: ApiErrorBody } | undefined {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = this.routes?.allowedMethods(path) ?? [];
    if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
    const allow = allowed.join(', ');
    return {
      allow,
      body: {
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${request.method} is not allowed on ${path}; allowed: ${allow}`,
      },
    };
  }
}
