import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type TaskView, toTaskView } from '../tasks/task.js';
import { TaskService } from '../tasks/task-service.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TaskService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A background task: status, timestamps, wait and run time' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'status is queued, running, done, failed or rejected' })
  @ApiNotFoundResponse({
    description: 'Unknown id (or forgotten: the registry keeps recent tasks only)',
  })
  find(@Param('id') id: string): TaskView {
    const task = this.tasks.find(id);
    if (!task)
      throw new NotFoundException(`no task with id ${id} (unknown, or too old to be kept)`);
    return toTaskView(task);
  }
}
