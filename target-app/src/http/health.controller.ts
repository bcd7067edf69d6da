import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TaskService } from '../common/tasks/task-service.js';
import { Readiness } from '../health/readiness.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(Readiness) private readonly readiness: Readiness,
    private readonly tasks: TaskService,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and its loop answers' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: 200 when accepting work, 503 while starting or draining' })
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const state = this.readiness.current;
    const ready = state === 'ready' && this.tasks.isAccepting;
    await reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : state, pending_tasks: this.tasks.pendingCount });
  }
}
