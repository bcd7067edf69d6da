import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { toErrorBody } from './error-body.js';

/** Every error leaves as the same JSON shape; only real server faults are 500 and logged. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    // A 503 for a full queue is the API working as designed; only real faults are logged.
    if (body.statusCode === 500) this.logger.error({ err: exception }, 'unhandled error');
    void reply.status(body.statusCode).send(body);
  }
}
