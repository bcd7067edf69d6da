import { setTimeout as sleep } from 'node:timers/promises';
import { WORKLOAD_MS } from '@looplab/contract';
import {
  Controller,
  HttpCode,
  Query,
  RequestMapping,
  RequestMethod,
  type Type,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { preciseNow } from '../../common/clock.js';
import { ref } from '../../common/openapi-schemas.js';
import { type AsyncQuery, asyncQuerySchema } from '../../common/request-schemas.js';
import { ZodValidationPipe } from '../../common/zod-validation.pipe.js';
import type { ControllerContext } from '../strategy.js';

export interface AsyncResponse {
  strategy: 'async';
  ms: number;
  started_at: string;
  finished_at: string;
  elapsed_ms: number;
}

/** The async strategy: awaits non-blocking I/O (a timer) for ms, then responds. */
export function asyncController({ definition }: ControllerContext): Type<unknown> {
  @ApiTags('strategies')
  @Controller()
  class AsyncController {
    @RequestMapping({ path: definition.route, method: RequestMethod[definition.method] })
    @HttpCode(definition.status)
    @ApiOperation({
      operationId: definition.name,
      summary: `The ${definition.name} strategy: ${definition.does}`,
      description: `Expected effect on other requests: ${definition.expect}.`,
    })
    @ApiQuery({
      name: 'ms',
      required: false,
      schema: { type: 'integer', minimum: WORKLOAD_MS.min, maximum: WORKLOAD_MS.max, default: 0 },
    })
    @ApiResponse({
      status: definition.status,
      description: 'Timings of the wait',
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['strategy', 'ms', 'started_at', 'finished_at', 'elapsed_ms'],
        properties: {
          strategy: { type: 'string', enum: [definition.name] },
          ms: { type: 'integer', minimum: WORKLOAD_MS.min, maximum: WORKLOAD_MS.max },
          started_at: { type: 'string', format: 'date-time' },
          finished_at: { type: 'string', format: 'date-time' },
          elapsed_ms: { type: 'number', minimum: 0 },
        },
      },
    })
    @ApiResponse({
      status: 400,
      description: 'ms is not an integer in range',
      schema: ref('ErrorBody'),
    })
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
  return AsyncController;
}
