import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ref } from '../common/openapi-schemas.js';
import { TaskService } from '../common/tasks/task-service.js';
import { type TaskView, toTaskView } from '../common/tasks/task-view.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(@Inject(TaskService) private readonly tasks: TaskService) {}

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
  async find(@Param('id') id: string): Promise<TaskView> {
    const task = await this.tasks.find(id);
    if (!task)
      throw new NotFoundException(`no task with id ${id} (unknown, or too old to be kept)`);
    return toTaskView(task);
  }
}
