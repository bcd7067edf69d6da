import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES } from '@looplab/contract';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import type { AppConfig } from './config/app-config.js';
import { Readiness } from './health/readiness.js';
import { setupOpenApi } from './http/openapi.js';
import { RouteTable } from './http/route-table.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { HttpMetrics } from './metrics/http-metrics.js';

export interface RunningApp {
  app: NestFastifyApplication;
  fastify: FastifyInstance;
  url: string;
}

export async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Per-request log lines would cost more than /ping itself.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // Keep-alive connections must not hold shutdown open forever.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    adapter,
    { logger: new NestPinoLogger(logger) },
  );
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const routes = new RouteTable();
  routes.install(fastify);
  app.get(HttpMetrics).install(fastify);
  // JSON only: a text/plain body is a 415, not a string that fails validation later.
  fastify.removeContentTypeParser('text/plain');
  app.useGlobalFilters(new HttpErrorFilter(logger, routes));
  setupOpenApi(app);

  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  app.get(Readiness).markReady();
  logger.info({ port: address.port, host: address.address, url }, 'looplab target app listening');
  return { app, fastify, url };
}
