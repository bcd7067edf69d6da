import type { InjectedFault, StrategyDefinition } from '@looplab/contract';
import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  RequestMapping,
  RequestMethod,
  Res,
  ServiceUnavailableException,
  type Type,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../tokens.js';
import type { ApiErrorBody } from '../api-error.js';
import { BODY_LIMIT_NOTE, RETRY_AFTER_HEADER, ref, taskBodyOpenApi } from '../openapi-schemas.js';
import { type TaskBody, taskBodySchema, toTaskRequest } from '../request-schemas.js';
import { ZodValidationPipe } from '../zod-validation.pipe.js';
import type { AfterResponse } from './task-executor.js';
import { TaskService } from './task-service.js';
import { type TaskView, toTaskView } from './task-view.js';

export interface AcceptedTask {
  id: string;
  strategy: StrategyDefinition['name'];
  status_url: string;
}

export interface TaskEndpointOptions {
  definition: StrategyDefinition;
  config: AppConfig;
  faults: readonly InjectedFault[];
  startsAfterResponse: boolean;
}

const validateBody = new ZodValidationPipe(taskBodySchema, 'body');

function invalidFault(rule: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'invalid body',
    issues: [{ field: 'fault', rule }],
  } satisfies ApiErrorBody);
}

const statusUrl = (id: string) => `/tasks/${id}`;

/** The route, method, status and OpenAPI description of a task strategy's endpoint. */
function TaskEndpoint(options: TaskEndpointOptions): MethodDecorator {
  const { definition, config } = options;
  const faults = config.LOOPLAB_FAULT_INJECTION === 'on' ? options.faults : [];
  const answersAfterWork = definition.status === 200;
  return applyDecorators(
    RequestMapping({ path: definition.route, method: RequestMethod[definition.method] }),
    HttpCode(definition.status),
    ApiOperation({
      operationId: definition.name,
      summary: `The ${definition.name} strategy: ${definition.does}`,
      description: `Expected effect on other requests: ${definition.expect}.`,
    }),
    ApiBody({ schema: taskBodyOpenApi(faults) }),
    answersAfterWork
      ? ApiResponse({
          status: definition.status,
          description: 'The task ran inside the request: its final status and timings',
          schema: ref('TaskView'),
        })
      : ApiResponse({
          status: definition.status,
          description: 'Accepted; follow status_url',
          schema: ref('AcceptedTask'),
          links: {
            GetTask: {
              operationId: 'getTask',
              parameters: { id: '$response.body#/id' },
              description: 'The accepted task: its status, timestamps, wait and run time',
            },
          },
        }),
    ApiResponse({
      status: 400,
      description: 'Invalid body: issues name each field and rule',
      schema: ref('ErrorBody'),
    }),
    ApiResponse({ status: 413, description: BODY_LIMIT_NOTE, schema: ref('ErrorBody') }),
    ApiResponse({ status: 415, description: 'Not application/json', schema: ref('ErrorBody') }),
    ApiResponse({
      status: 503,
      description: 'Queue full, backing service unavailable or shutting down; see Retry-After',
      headers: RETRY_AFTER_HEADER,
      schema: ref('ErrorBody'),
    }),
  );
}

/**
 * The controller of a strategy that runs tasks: validates the body, hands the task to the
 * strategy's executor, answers 202 with where to follow it (or, for a strategy whose contract
 * status is 200, the finished task), or 503 + Retry-After when the executor cannot take it.
 */
export function taskStrategyController(options: TaskEndpointOptions): Type<unknown> {
  const { definition } = options;
  const strategy = definition.name;
  const afterResponse = (reply: FastifyReply): AfterResponse =>
    options.startsAfterResponse
      ? // 'close' fires once the response has been written (or the client has gone).
        (run) => reply.raw.once('close', run)
      : (run) => run();

  @ApiTags('strategies')
  @Controller()
  class TaskStrategyController {
    constructor(
      @Inject(TaskService) private readonly tasks: TaskService,
      @Inject(APP_CONFIG) private readonly config: AppConfig,
    ) {}

    @TaskEndpoint(options)
    async handle(
      @Body(validateBody) body: TaskBody,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<AcceptedTask | TaskView> {
      if (body.fault && !options.faults.includes(body.fault)) {
        throw invalidFault(
          `${body.fault} is not supported by the ${strategy} strategy (it would take the server down)`,
        );
      }
      if (body.fault && this.config.LOOPLAB_FAULT_INJECTION !== 'on') {
        throw invalidFault('fault injection is disabled (set LOOPLAB_FAULT_INJECTION=on)');
      }
      const outcome = await this.tasks.submit(strategy, toTaskRequest(body), afterResponse(reply));
      const { task } = outcome;
      if (!outcome.accepted) {
        void reply.header('retry-after', String(this.config.LOOPLAB_RETRY_AFTER_SECONDS));
        throw new ServiceUnavailableException({
          statusCode: 503,
          error: 'Service Unavailable',
          message: `${outcome.message}; task ${task.id} was rejected`,
          task_id: task.id,
          status_url: statusUrl(task.id),
        } satisfies ApiErrorBody);
      }
      if (definition.status === 200) {
        await this.tasks.whenFinished(task);
        return toTaskView(task);
      }
      return { id: task.id, strategy, status_url: statusUrl(task.id) };
    }
  }
  Object.defineProperty(TaskStrategyController, 'name', {
    value: `${strategy[0]?.toUpperCase()}${strategy.slice(1).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Controller`,
  });
  return TaskStrategyController;
}
