import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strategy } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { postJson } from './support/http.js';
import {
  startRedis,
  startWorker,
  stopQueueServices,
  waitForAll,
} from './support/queue-services.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  service: string;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}

type Attributes = Array<{ key: string; value: { stringValue?: string } }>;

/** A real OTLP/HTTP (JSON) endpoint on loopback that keeps every span, with its service name. */
function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: Array<{
            resource: { attributes: Attributes };
            scopeSpans: Array<{ spans: Omit<OtlpSpan, 'service'>[] }>;
          }>;
        };
        for (const resource of payload.resourceSpans) {
          const service =
            resource.resource.attributes.find((entry) => entry.key === 'service.name')?.value
              .stringValue ?? '';
          for (const scope of resource.scopeSpans)
            spans.push(...scope.spans.map((span) => ({ ...span, service })));
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

const OTLP = (url: string) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_TRACES_SAMPLER: 'always_on',
});

describe('queue tracing: the worker records the task span, linked to the request in the API', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: AppProcess;

  beforeAll(async () => {
    collector = await startCollector();
    const redis = await startRedis();
    await startWorker(redis.url, OTLP(collector.url));
    app = await startApp({ REDIS_URL: redis.url, ...OTLP(collector.url) });
  });
  afterAll(async () => {
    await app?.stop();
    await stopQueueServices();
    collector?.server.close();
  });

  it('a task span from looplab-queue-worker links to the POST /background/queue server span', async () => {
    const route = strategy('queue').route;
    const accepted = await postJson<{ id: string }>(`${app.url}${route}`, {
      workload: 'cpu',
      ms: 5,
    });
    await waitForAll(app.url, [accepted.body.id]);
    const taskSpan = () =>
      collector.spans.find((span) =>
        span.attributes?.some(
          (entry) =>
            entry.key === 'looplab.task.id' && entry.value.stringValue === accepted.body.id,
        ),
      );
    await expect.poll(taskSpan, { timeout: 10_000 }).toBeDefined();
    expect(taskSpan()?.name).toBe('task queue cpu');
    expect(taskSpan()?.service).toBe('looplab-queue-worker');
    const link = taskSpan()?.links?.[0];
    await expect
      .poll(() => collector.spans.find((span) => span.spanId === link?.spanId))
      .toBeDefined();
    const request = collector.spans.find((span) => span.spanId === link?.spanId);
    expect(request?.name).toBe(`POST ${route}`);
    expect(request?.service).not.toBe('looplab-queue-worker');
  });
});
