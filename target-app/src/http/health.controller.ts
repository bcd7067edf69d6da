import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TaskService } from '../common/tasks/task-service.js';
import { Readiness } from '../health/readiness.js';

const READINESS_SCHEMA = {
  type: 'object' as const,
  additionalProperties: false,
  required: ['status', 'pending_tasks'],
  properties: {
    status: { type: 'string' as const, enum: ['ready', 'starting', 'draining'] },
    pending_tasks: { type: 'integer' as const, minimum: 0 },
  },
};

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(Readiness) private readonly readiness: Readiness,
    private readonly tasks: TaskService,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and its loop answers' })
  @ApiResponse({
    status: 200,
    description: 'Alive',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: 200 when accepting work, 503 while starting or draining' })
  @ApiResponse({ status: 200, description: 'Accepting work', schema: READINESS_SCHEMA })
  @ApiResponse({ status: 503, description: 'Starting or draining', schema: READINESS_SCHEMA })
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const state = this.readiness.current;
    const ready = state === 'ready' && this.tasks.isAccepting;
    await reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : state, pending_tasks: this.tasks.pendingCount });
  }
}
