import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { preciseNow } from '../tasks/worker-protocol.js';
import { MAX_WORKLOAD_MS } from '../tasks/workloads.js';
import { type AsyncQuery, asyncQuerySchema } from './request-schemas.js';

export interface AsyncResponse {
  strategy: 'async';
  ms: number;
  started_at: string;
  finished_at: string;
  elapsed_ms: number;
}

@ApiTags('strategies')
@Controller()
export class AsyncController {
  @Get('async')
  @ApiOperation({
    summary: 'The async strategy: awaits non-blocking I/O (a timer) for ms, then responds',
  })
  @ApiQuery({
    name: 'ms',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: MAX_WORKLOAD_MS, default: 0 },
  })
  @ApiOkResponse({ description: 'Timings of the wait' })
  @ApiBadRequestResponse({ description: 'ms is not an integer in range' })
  async wait(
    @Query(new ZodValidationPipe(asyncQuerySchema, 'query')) query: AsyncQuery,
  ): Promise<AsyncResponse> {
    const started = preciseNow();
    await sleep(query.ms);
    const finished = preciseNow();
    return {
      strategy: 'async',
      ms: query.ms,
      started_at: new Date(started).toISOString(),
      finished_at: new Date(finished).toISOString(),
      elapsed_ms: Math.round((finished - started) * 1000) / 1000,
    };
  }
}
