import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { Readiness } from './health/readiness.js';
import { AsyncController } from './http/async.controller.js';
import { BackgroundController } from './http/background.controller.js';
import { HealthController } from './http/health.controller.js';
import { MetricsController } from './http/metrics.controller.js';
import { ProbeController } from './http/probe.controller.js';
import { TasksController } from './http/tasks.controller.js';
import { EventLoopMetrics } from './metrics/event-loop-metrics.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MetricsRegistry } from './metrics/metrics-registry.js';
import { createTaskService } from './tasks/create-task-service.js';
import { TaskService } from './tasks/task-service.js';
import { APP_CONFIG, LOGGER } from './tokens.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const metrics = new MetricsRegistry(config.LOOPLAB_EVENT_LOOP_RESOLUTION_MS);
    return {
      module: AppModule,
      controllers: [
        ProbeController,
        AsyncController,
        BackgroundController,
        TasksController,
        MetricsController,
        HealthController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: MetricsRegistry, useValue: metrics },
        {
          provide: EventLoopMetrics,
          useValue: new EventLoopMetrics(
            metrics.registry,
            config.LOOPLAB_EVENT_LOOP_RESOLUTION_MS,
            config.LOOPLAB_EVENT_LOOP_WINDOW_S,
          ),
        },
        { provide: HttpMetrics, useValue: new HttpMetrics(metrics.registry) },
        { provide: TaskService, useValue: createTaskService(config, metrics, logger) },
        { provide: Readiness, useValue: new Readiness() },
      ],
    };
  }
}
