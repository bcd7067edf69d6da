import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ApiErrorBody } from '../common/api-error.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { AppConfig } from '../config/app-config.js';
import type { BackgroundStrategy } from '../tasks/task.js';
import { TaskService } from '../tasks/task-service.js';
import { APP_CONFIG } from '../tokens.js';
import {
  type BackgroundTaskBody,
  backgroundTaskBodySchema,
  toTaskRequest,
} from './request-schemas.js';

export interface AcceptedTask {
  id: string;
  strategy: BackgroundStrategy;
  status_url: string;
}

const bodyDoc = z.toJSONSchema(backgroundTaskBodySchema, { target: 'openapi-3.0', io: 'input' });
const validateBody = new ZodValidationPipe(backgroundTaskBodySchema, 'body');

@ApiTags('strategies')
@Controller('background')
export class BackgroundController {
  constructor(
    private readonly tasks: TaskService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('blocking')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'The blocking strategy: 202 at once, then the workload runs synchronously on the main thread',
    description:
      'The FastAPI BackgroundTasks trap: every request that arrives while it runs waits for it.',
  })
  @ApiBody({ schema: bodyDoc as object })
  @ApiAcceptedResponse({ description: 'Accepted; poll status_url' })
  @ApiBadRequestResponse({ description: 'Invalid body: the issues name each field and rule' })
  @ApiPayloadTooLargeResponse({ description: 'Body over 16 KiB' })
  @ApiServiceUnavailableResponse({ description: 'Queue full or shutting down; see Retry-After' })
  blocking(
    @Body(validateBody) body: BackgroundTaskBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): AcceptedTask {
    if (body.fault === 'crash') {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'invalid body',
        issues: [{ field: 'fault', rule: 'crash is only supported by the pooled strategy' }],
      } satisfies ApiErrorBody);
    }
    // 'close' fires once the response has been written (or the client has gone).
    return this.submit('blocking', body, reply, (run) => reply.raw.once('close', run));
  }

  @Post('pooled')
  @HttpCode(202)
  @ApiOperation({
    summary: 'The pooled strategy: 202 at once, the workload runs on a piscina worker thread',
  })
  @ApiBody({ schema: bodyDoc as object })
  @ApiAcceptedResponse({ description: 'Accepted; poll status_url' })
  @ApiBadRequestResponse({ description: 'Invalid body: the issues name each field and rule' })
  @ApiPayloadTooLargeResponse({ description: 'Body over 16 KiB' })
  @ApiServiceUnavailableResponse({ description: 'Queue full or shutting down; see Retry-After' })
  pooled(
    @Body(validateBody) body: BackgroundTaskBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): AcceptedTask {
    return this.submit('pooled', body, reply, (run) => run());
  }

  private submit(
    strategy: BackgroundStrategy,
    body: BackgroundTaskBody,
    reply: FastifyReply,
    afterResponse: (run: () => void) => void,
  ): AcceptedTask {
    if (body.fault && this.config.LOOPLAB_FAULT_INJECTION !== 'on') {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'invalid body',
        issues: [
          { field: 'fault', rule: 'fault injection is disabled (set LOOPLAB_FAULT_INJECTION=on)' },
        ],
      } satisfies ApiErrorBody);
    }
    const outcome = this.tasks.submit(strategy, toTaskRequest(body), afterResponse);
    if (!outcome.accepted) {
      void reply.header('retry-after', String(this.config.LOOPLAB_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message:
          outcome.reason === 'queue_full'
            ? `the ${strategy} queue is full; task ${outcome.task.id} was rejected, retry later`
            : `shutting down; task ${outcome.task.id} was rejected`,
        task_id: outcome.task.id,
        status_url: `/tasks/${outcome.task.id}`,
      } satisfies ApiErrorBody);
    }
    return { id: outcome.task.id, strategy, status_url: `/tasks/${outcome.task.id}` };
  }
}
