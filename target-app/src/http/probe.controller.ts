import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('probe')
@Controller()
export class ProbeController {
  @Get('ping')
  @ApiOperation({
    summary: 'The cheap probe: the "other request" whose latency shows what background work costs',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['ok'],
      properties: { ok: { type: 'boolean', enum: [true] } },
    },
  })
  ping(): { ok: true } {
    return { ok: true };
  }
}
