import type { LooplabInstrument } from '@looplab/instrument';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_LOOP } from '../tokens.js';

/**
 * GET /looplab/stalls?since=<cursor>: the event-loop stalls and what ran during each, for the
 * runner (outside every strategy; the answer is bounded and quick to build).
 */
@ApiExcludeController()
@Controller()
export class StallsController {
  constructor(@Inject(EVENT_LOOP) private readonly eventLoop: LooplabInstrument) {}

  @Get('looplab/stalls')
  stalls(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.eventLoop.fastifyHandler(request, reply);
  }
}
