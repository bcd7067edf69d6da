import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ApiErrorBody } from '../common/api-error.js';
import { RETRY_AFTER_HEADER, ref } from '../common/openapi-schemas.js';
import { TaskRefusedError } from '../common/tasks/task-executor.js';
import { TaskService } from '../common/tasks/task-service.js';
import { type TaskView, toTaskView } from '../common/tasks/task-view.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../tokens.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(
    @Inject(TaskService) private readonly tasks: TaskService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id')
  @ApiOperation({
    operationId: 'getTask',
    summary: 'A task: status, timestamps, wait and run time',
  })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiResponse({
    status: 200,
    description: 'status is queued, running, done, failed or rejected',
    schema: ref('TaskView'),
  })
  @ApiResponse({
    status: 404,
    description: 'Unknown id (or forgotten: the registry keeps recent tasks only)',
    schema: ref('ErrorBody'),
  })
  @ApiResponse({
    status: 503,
    description: 'The task lives in a backing service (Redis) that is unavailable; see Retry-After',
    headers: RETRY_AFTER_HEADER,
    schema: ref('ErrorBody'),
  })
  async find(
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskView> {
    const task = await this.tasks.find(id).catch((error: unknown) => {
      if (!(error instanceof TaskRefusedError)) throw error;
      void reply.header('retry-after', String(this.config.LOOPLAB_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: error.message,
      } satisfies ApiErrorBody);
    });
    if (!task)
      throw new NotFoundException(`no task with id ${id} (unknown, or too old to be kept)`);
    return toTaskView(task);
  }
}
