import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MetricsRegistry } from '../metrics/metrics-registry.js';

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(MetricsRegistry) private readonly metrics: MetricsRegistry) {}

  @Get('metrics')
  async scrape(
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const exposition = await this.metrics.render(MetricsRegistry.wantsOpenMetrics(accept));
    await reply.header('content-type', exposition.contentType).send(exposition.body);
  }
}
