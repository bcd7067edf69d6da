import { strategiesOf } from '@looplab/contract';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { COMPONENT_SCHEMAS } from '../common/openapi-schemas.js';

/** OpenAPI document at /docs-json, Swagger UI at /docs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const strategies = strategiesOf('node').map((strategy) => strategy.name);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('looplab target app')
      .setDescription(
        `The same workload run as ${strategies.join(', ')}, with a probe (/ping) that shows what each strategy costs other requests.`,
      )
      .setVersion('0.1.0')
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...COMPONENT_SCHEMAS },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
