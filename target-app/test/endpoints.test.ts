import { strategiesOf, strategy as strategyNamed } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import {
  getJson,
  postJson,
  sampleValue,
  scrape,
  type TaskView,
  waitForTask,
} from './support/http.js';

describe('endpoints (real app, real HTTP)', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
  });

  it('GET /ping answers {"ok":true}', async () => {
    const { status, body } = await getJson(`${app.url}/ping`);
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
  });

  it('GET /async?ms=N awaits non-blocking I/O for N ms and reports timings', async () => {
    const { status, body } = await getJson<{
      strategy: string;
      ms: number;
      elapsed_ms: number;
      started_at: string;
      finished_at: string;
    }>(`${app.url}/async?ms=40`);
    expect(status).toBe(200);
    expect(body.strategy).toBe('async');
    expect(body.ms).toBe(40);
    // libuv timers count whole milliseconds from a cached loop time.
    expect(body.elapsed_ms).toBeGreaterThanOrEqual(38);
    expect(body.elapsed_ms).toBeLessThan(1000);
    expect(Date.parse(body.finished_at)).toBeGreaterThanOrEqual(Date.parse(body.started_at));
  });

  it('GET /async without ms waits 0 ms', async () => {
    const { status, body } = await getJson<{ ms: number }>(`${app.url}/async`);
    expect(status).toBe(200);
    expect(body.ms).toBe(0);
  });

  // Every strategy that answers 202 and needs no service besides the app.
  const background = strategiesOf('node').filter((s) => s.status === 202 && s.needs.length === 0);
  for (const { name: strategy, route } of background) {
    for (const body of [
      { workload: 'cpu', ms: 30 },
      { workload: 'sleep', ms: 30 },
      { workload: 'hash', iterations: 3 },
    ]) {
      it(`POST ${route} ${JSON.stringify(body)} → 202, then the task completes`, async () => {
        const accepted = await postJson<{ id: string; strategy: string; status_url: string }>(
          `${app.url}${route}`,
          body,
        );
        expect(accepted.status).toBe(202);
        expect(accepted.body.strategy).toBe(strategy);
        expect(accepted.body.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(accepted.body.status_url).toBe(`/tasks/${accepted.body.id}`);

        const task: TaskView = await waitForTask(app.url, accepted.body.id);
        expect(task.status).toBe('done');
        expect(task.strategy).toBe(strategy);
        expect(task.workload).toEqual(body);
        expect(task.wait_ms).toBeGreaterThanOrEqual(0);
        if (body.ms !== undefined) expect(task.run_ms).toBeGreaterThanOrEqual(body.ms - 1);
        expect(Date.parse(task.started_at ?? '')).toBeGreaterThanOrEqual(
          Date.parse(task.queued_at),
        );
        expect(Date.parse(task.finished_at ?? '')).toBeGreaterThanOrEqual(
          Date.parse(task.started_at ?? ''),
        );
      });
    }
  }

  it('POST /inline runs the task inside the request and answers 200 with the finished task', async () => {
    const started = performance.now();
    const { status, body } = await postJson<TaskView & { result: { iterations: number } }>(
      `${app.url}/inline`,
      { workload: 'sleep', ms: 150 },
    );
    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
    expect(body).toMatchObject({
      strategy: 'inline',
      status: 'done',
      workload: { workload: 'sleep', ms: 150 },
    });
    expect(body.run_ms).toBeGreaterThanOrEqual(149);
    expect(body.result.iterations).toBe(1);
    expect((await getJson<TaskView>(`${app.url}/tasks/${body.id}`)).body.status).toBe('done');
  });

  it('a chunked task by iterations does the same work as a blocking one', async () => {
    const body = { workload: 'cpu', iterations: 300 };
    const results: unknown[] = [];
    for (const route of [strategyNamed('blocking').route, strategyNamed('chunked').route]) {
      const accepted = await postJson<{ id: string }>(`${app.url}${route}`, body);
      expect(accepted.status).toBe(202);
      expect((await waitForTask(app.url, accepted.body.id)).status).toBe('done');
      const task = await getJson<{ result: { iterations: number; checksum: number } }>(
        `${app.url}/tasks/${accepted.body.id}`,
      );
      results.push({
        iterations: task.body.result.iterations,
        checksum: task.body.result.checksum,
      });
    }
    expect(results[0]).toMatchObject({ iterations: 300 });
    expect(results[1]).toEqual(results[0]);
  });

  it('the blocking task runs only after its 202 has been sent', async () => {
    const started = performance.now();
    const accepted = await postJson<{ id: string }>(`${app.url}/background/blocking`, {
      workload: 'sleep',
      ms: 400,
    });
    const responseMs = performance.now() - started;
    expect(accepted.status).toBe(202);
    expect(responseMs).toBeLessThan(300);
    const task = await waitForTask(app.url, accepted.body.id);
    expect(task.run_ms).toBeGreaterThanOrEqual(399);
  });

  it('GET /tasks/:id for an unknown id → 404 with a JSON error', async () => {
    const { status, body } = await getJson(`${app.url}/tasks/00000000-0000-0000-0000-000000000000`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await getJson(`${app.url}/tasks/not-a-uuid`)).status).toBe(404);
  });

  it.each([
    ['DELETE', '/ping', 'GET, HEAD'],
    ['GET', strategyNamed('pooled').route, 'POST'],
    ['PUT', strategyNamed('inline').route, 'POST'],
    ['POST', '/tasks/00000000-0000-0000-0000-000000000000', 'GET, HEAD'],
  ])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const response = await fetch(`${app.url}${path}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await response.json()).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
  });

  it('an undeclared path is still a 404', async () => {
    const response = await fetch(`${app.url}/nope`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
  });

  it('GET /healthz and /readyz are 200 while serving', async () => {
    expect((await getJson(`${app.url}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await getJson(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('GET /metrics is Prometheus text with every looplab metric family', async () => {
    const response = await fetch(`${app.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const family of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_delay_seconds_bucket',
      'nodejs_eventloop_delay_window_max_seconds',
      'nodejs_eventloop_utilization_active_seconds_total',
      'http_server_request_duration_seconds_bucket',
      'looplab_task_wait_seconds_bucket',
      'looplab_task_run_seconds_bucket',
      'looplab_tasks_total',
      'looplab_tasks_in_flight',
      'looplab_task_queue_depth',
      'looplab_pool_workers',
      'looplab_pool_utilization_ratio',
      'looplab_pool_queue_size',
    ]) {
      expect(text, family).toContain(family);
    }
    expect(
      sampleValue(text, 'looplab_tasks_total', {
        strategy: 'pooled',
        workload: 'cpu',
        outcome: 'done',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(text, 'http_server_request_duration_seconds_count', {
        route: '/ping',
        strategy: 'none',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'looplab_pool_workers')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('# EOF');
  });

  it('GET /metrics with an OpenMetrics Accept header carries trace exemplars, and Prometheus text stays intact', async () => {
    // Exemplars come from sampled requests only; a sampled parent makes this one sampled.
    await fetch(`${app.url}/ping`, {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    const response = await fetch(`${app.url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
    const text = await response.text();
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    expect(text).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*route="\/ping"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\}/,
    );
    const plain = await scrape(app.url);
    expect(plain).toMatch(/^looplab_tasks_total\{/m);
    expect(plain).not.toContain('trace_id=');
  });

  it('documents every endpoint with OpenAPI at /docs', async () => {
    const ui = await fetch(`${app.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const { body } = await getJson<{ paths: Record<string, unknown> }>(`${app.url}/docs-json`);
    for (const path of [
      '/ping',
      ...strategiesOf('node').map((strategy) => strategy.route),
      '/tasks/{id}',
      '/healthz',
      '/readyz',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });

  it('links every 202 to GET /tasks/{id} and describes the error body on every 4xx/5xx', async () => {
    interface Operation {
      operationId: string;
      responses: Record<
        string,
        {
          links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
          content?: { 'application/json': { schema: unknown } };
        }
      >;
    }
    const { body } = await getJson<{ paths: Record<string, Record<string, Operation>> }>(
      `${app.url}/docs-json`,
    );
    expect(body.paths['/tasks/{id}']?.get?.operationId).toBe('getTask');
    for (const strategy of strategiesOf('node')) {
      const operation = body.paths[strategy.route]?.[strategy.method.toLowerCase()];
      expect(operation, strategy.name).toBeDefined();
      const success = operation?.responses[String(strategy.status)];
      expect(success, strategy.name).toBeDefined();
      if (strategy.status === 202) {
        expect(Object.values(success?.links ?? {})).toEqual([
          expect.objectContaining({
            operationId: 'getTask',
            parameters: { id: '$response.body#/id' },
          }),
        ]);
      }
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (Number(status) >= 400) {
          expect(response.content?.['application/json'].schema).toEqual({
            $ref: '#/components/schemas/ErrorBody',
          });
        }
      }
    }
  });
});
