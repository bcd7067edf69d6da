import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { getJson, postJson, waitForTask } from './support/http.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A real OTLP/HTTP (JSON) endpoint on loopback that keeps every span it receives. */
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
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
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

describe('OpenTelemetry traces', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: AppProcess;

  beforeAll(async () => {
    collector = await startCollector();
    app = await startApp({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await app.stop();
    collector.server.close();
  });

  for (const strategy of ['blocking', 'pooled'] as const) {
    it(`exports a ${strategy} task span over OTLP, linked to the request that enqueued it`, async () => {
      const accepted = await postJson<{ id: string }>(`${app.url}/background/${strategy}`, {
        workload: 'cpu',
        ms: 20,
      });
      await waitForTask(app.url, accepted.body.id);
      const taskSpan = await expect
        .poll(() =>
          collector.spans.find((span) =>
            span.attributes?.some(
              (attribute) =>
                attribute.key === 'looplab.task.id' &&
                attribute.value.stringValue === accepted.body.id,
            ),
          ),
        )
        .toBeDefined()
        .then(() =>
          collector.spans.find((span) =>
            span.attributes?.some(
              (attribute) =>
                attribute.key === 'looplab.task.id' &&
                attribute.value.stringValue === accepted.body.id,
            ),
          ),
        );
      expect(taskSpan?.name).toBe(`task ${strategy} cpu`);
      const link = taskSpan?.links?.[0];
      expect(link).toBeDefined();
      expect(link?.traceId).not.toBe(taskSpan?.traceId);

      // The link points into the request's trace, whose root is the HTTP server span.
      const requestTrace = await expect
        .poll(() => collector.spans.filter((span) => span.traceId === link?.traceId))
        .toSatisfy((spans: OtlpSpan[]) => spans.some((span) => span.spanId === link?.spanId))
        .then(() => collector.spans.filter((span) => span.traceId === link?.traceId));
      const serverSpan = requestTrace.find((span) => span.kind === 2 && !span.parentSpanId);
      expect(serverSpan, JSON.stringify(requestTrace.map((span) => span.name))).toBeDefined();
      expect(serverSpan?.name).toContain(`/background/${strategy}`);

      // The task's log line carries the task span's trace id.
      const log = app.logs.find(
        (line) => line.msg === 'task done' && line.task_id === accepted.body.id,
      );
      expect(log?.trace_id).toBe(taskSpan?.traceId);
    });
  }

  it('traces other requests too: HTTP server span with Fastify and Nest spans beneath it', async () => {
    await getJson(`${app.url}/ping`);
    const server = await expect
      .poll(() => collector.spans.find((span) => span.kind === 2 && span.name.includes('/ping')))
      .toBeDefined()
      .then(() => collector.spans.find((span) => span.kind === 2 && span.name.includes('/ping')));
    await expect
      .poll(() =>
        collector.spans.filter((span) => span.traceId === server?.traceId).map((span) => span.name),
      )
      .toSatisfy((names: string[]) => {
        console.log('spans of one /ping trace:', names);
        return (
          names.some((name) => /ProbeController|ping/i.test(name) && !name.startsWith('GET')) &&
          names.some((name) => /fastify|handler/i.test(name))
        );
      });
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports nothing and says nothing about it, while logs still carry trace ids', async () => {
    const app = await startApp({ LOG_LEVEL: 'debug' });
    const accepted = await postJson<{ id: string }>(`${app.url}/background/pooled`, {
      workload: 'cpu',
      ms: 5,
    });
    await waitForTask(app.url, accepted.body.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await app.stop()).toBe(0);
    const noise = [...app.logs.map((line) => JSON.stringify(line)), app.stderr()].filter((text) =>
      /otlp|ECONNREFUSED|export|4318|collector/i.test(text),
    );
    expect(noise).toEqual([]);
    expect(app.stderr()).not.toMatch(/error/i);
    const log = app.logs.find((line) => line.msg === 'task done');
    expect(log?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});
