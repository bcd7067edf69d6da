import { instrument } from '@looplab/instrument';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { createTaskService } from './common/tasks/create-task-service.js';
import { TaskService } from './common/tasks/task-service.js';
import type { AppConfig } from './config/app-config.js';
import { Readiness } from './health/readiness.js';
import { HealthController } from './http/health.controller.js';
import { MetricsController } from './http/metrics.controller.js';
import { ProbeController } from './http/probe.controller.js';
import { StallsController } from './http/stalls.controller.js';
import { TasksController } from './http/tasks.controller.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MetricsRegistry } from './metrics/metrics-registry.js';
import { servedStrategies, unservedStrategies } from './strategies/registry.js';
import { APP_CONFIG, EVENT_LOOP, LOGGER } from './tokens.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const metrics = new MetricsRegistry(config.LOOPLAB_EVENT_LOOP_RESOLUTION_MS);
    const strategies = servedStrategies();
    const unserved = unservedStrategies();
    if (unserved.length > 0) {
      logger.warn({ strategies: unserved }, 'contract strategies without a folder are not served');
    }
    return {
      module: AppModule,
      controllers: [
        ProbeController,
        ...strategies.map(({ definition, feature }) => feature.controller({ definition, config })),
        TasksController,
        MetricsController,
        StallsController,
        HealthController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: MetricsRegistry, useValue: metrics },
        {
          provide: EVENT_LOOP,
          useValue: instrument({
            registry: metrics.registry,
            resolutionMs: config.LOOPLAB_EVENT_LOOP_RESOLUTION_MS,
            windowSeconds: config.LOOPLAB_EVENT_LOOP_WINDOW_S,
            attribution: config.LOOPLAB_ATTRIBUTION === 'on',
            stallThresholdMs: config.LOOPLAB_STALL_THRESHOLD_MS,
            sampleIntervalMs: config.LOOPLAB_PROFILE_INTERVAL_MS,
          }),
        },
        { provide: HttpMetrics, useValue: new HttpMetrics(metrics.registry) },
        {
          provide: TaskService,
          useValue: createTaskService(config, metrics, logger, strategies),
        },
        { provide: Readiness, useValue: new Readiness() },
      ],
    };
  }
}
