import { randomBytes } from 'node:crypto';
import {
  METRICS,
  metricsOf,
  PROBE,
  sampleNames,
  strategy as strategyNamed,
  type WorkloadKind,
} from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  postJson,
  sampleValue,
  scrape,
  type TaskView,
  waitForTask,
} from '../../target-app/test/support/http.js';
import { ERROR_BODY_KEYS } from './support/bad-input.js';
import {
  saidGoodbye,
  startTarget,
  TARGETS,
  type Target,
  taskStrategies,
} from './support/target.js';

/** One small job of each workload kind, in both of its forms (ms and iterations). */
const JOBS = [
  { workload: 'cpu', ms: 30 },
  { workload: 'sleep', ms: 30 },
  { workload: 'hash', iterations: 3 },
] as const satisfies ReadonlyArray<{ workload: WorkloadKind; ms?: number; iterations?: number }>;

type TaskWithResult = TaskView & { result: { workload: string; iterations: number } | null };

/** What GET /tasks/:id answers about a task, on every runtime. */
const TASK_VIEW_KEYS = [
  'id',
  'strategy',
  'workload',
  'status',
  'queued_at',
  'started_at',
  'finished_at',
  'wait_ms',
  'run_ms',
  'result',
  'error',
] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ASYNC = strategyNamed('async');

describe.each(TARGETS)('endpoints of the %s app (real process, real HTTP)', (runtime) => {
  let target: Target;

  beforeAll(async () => {
    target = await startTarget(runtime);
  });
  afterAll(async () => {
    const lastLines = await target.stop();
    expect(saidGoodbye(lastLines), lastLines.join('\n')).toBe(true);
  });

  it(`${PROBE.method} ${PROBE.route} answers {"ok":true}`, async () => {
    const { status, body } = await getJson(`${target.url}${PROBE.route}`);
    expect(status).toBe(PROBE.status);
    expect(body).toEqual({ ok: true });
  });

  it(`${ASYNC.method} ${ASYNC.route}?ms=N awaits non-blocking I/O for N ms and reports timings`, async () => {
    const { status, body } = await getJson<{
      strategy: string;
      ms: number;
      elapsed_ms: number;
      started_at: string;
      finished_at: string;
    }>(`${target.url}${ASYNC.route}?ms=40`);
    expect(status).toBe(ASYNC.status);
    expect(body.strategy).toBe(ASYNC.name);
    expect(body.ms).toBe(40);
    // libuv timers count whole milliseconds from a cached loop time.
    expect(body.elapsed_ms).toBeGreaterThanOrEqual(38);
    expect(body.elapsed_ms).toBeLessThan(1000);
    expect(Date.parse(body.finished_at)).toBeGreaterThanOrEqual(Date.parse(body.started_at));
  });

  it(`${ASYNC.method} ${ASYNC.route} without ms waits 0 ms`, async () => {
    const { status, body } = await getJson<{ ms: number }>(`${target.url}${ASYNC.route}`);
    expect(status).toBe(ASYNC.status);
    expect(body.ms).toBe(0);
  });

  it('serves every strategy route of its runtime in the contract, and no other', async () => {
    const { body } = await getJson<{ paths: Record<string, Record<string, unknown>> }>(
      `${target.url}/docs-json`,
    );
    const documented = Object.keys(body.paths).filter(
      (path) => target.strategies.some((s) => s.route === path) || path.startsWith('/background/'),
    );
    expect(documented.sort()).toEqual(target.strategies.map((s) => s.route).sort());
    for (const strategy of target.strategies) {
      expect(Object.keys(body.paths[strategy.route] ?? {}), strategy.route).toEqual([
        strategy.method.toLowerCase(),
      ]);
    }
  });

  describe.each(JOBS)('every task strategy runs %j to the end', (job) => {
    it.each(taskStrategies(runtime).map((strategy) => [strategy.name, strategy] as const))(
      'POST %s',
      async (_name, strategy) => {
        const sentAt = performance.now();
        const started = await postJson<TaskWithResult & { status_url: string }>(
          `${target.url}${strategy.route}`,
          job,
        );
        expect(started.status, JSON.stringify(started.body)).toBe(strategy.status);
        const answeredMs = performance.now() - sentAt;
        let task: TaskWithResult;
        if (strategy.status === 202) {
          expect(started.body.strategy).toBe(strategy.name);
          expect(started.body.id).toMatch(UUID);
          expect(started.body.status_url).toBe(`/tasks/${started.body.id}`);
          task = (await waitForTask(target.url, started.body.id)) as TaskWithResult;
        } else {
          // Answered after the work: the body is the finished task, the same as GET /tasks/:id.
          task = started.body;
          if ('ms' in job) expect(answeredMs).toBeGreaterThanOrEqual(job.ms - 1);
          expect((await getJson(`${target.url}/tasks/${task.id}`)).body).toEqual(task);
        }
        expect(Object.keys(task).sort()).toEqual([...TASK_VIEW_KEYS].sort());
        expect(task.status, task.error ?? '').toBe('done');
        expect(task.id).toMatch(UUID);
        expect(task.strategy).toBe(strategy.name);
        expect(task.workload).toEqual(job);
        expect(task.error).toBeNull();
        expect(task.result?.workload).toBe(job.workload);
        // A sleep for ms is one sleep; a job by iterations does exactly that many.
        if (job.workload === 'sleep') expect(task.result?.iterations).toBe(1);
        if ('iterations' in job) expect(task.result?.iterations).toBe(job.iterations);
        expect(task.wait_ms).toBeGreaterThanOrEqual(0);
        if ('ms' in job) expect(task.run_ms).toBeGreaterThanOrEqual(job.ms - 1);
        expect(Date.parse(task.started_at ?? '')).toBeGreaterThanOrEqual(
          Date.parse(task.queued_at),
        );
        expect(Date.parse(task.finished_at ?? ''), JSON.stringify(task)).toBeGreaterThanOrEqual(
          Date.parse(task.started_at ?? ''),
        );
      },
    );
  });

  it('every task strategy does the same work for the same iterations (same result and checksum)', async () => {
    const job = { workload: 'cpu', iterations: 300 };
    const results = new Map<string, unknown>();
    for (const strategy of taskStrategies(runtime)) {
      const started = await postJson<{ id: string }>(`${target.url}${strategy.route}`, job);
      expect(started.status, strategy.name).toBe(strategy.status);
      const task = await waitForTask(target.url, started.body.id);
      expect(task.status, strategy.name).toBe('done');
      const { body } = await getJson<{ result: { iterations: number; checksum: number } }>(
        `${target.url}/tasks/${started.body.id}`,
      );
      results.set(strategy.name, {
        iterations: body.result.iterations,
        checksum: body.result.checksum,
      });
    }
    const [first] = results.values();
    expect(first).toMatchObject({ iterations: job.iterations });
    for (const [name, result] of results) expect(result, name).toEqual(first);
  });

  it('the blocking task runs only after its 202 has been sent', async () => {
    const blocking = strategyNamed('blocking');
    const started = performance.now();
    const accepted = await postJson<{ id: string }>(`${target.url}${blocking.route}`, {
      workload: 'sleep',
      ms: 400,
    });
    const responseMs = performance.now() - started;
    expect(accepted.status).toBe(blocking.status);
    expect(responseMs).toBeLessThan(300);
    const task = await waitForTask(target.url, accepted.body.id);
    expect(task.run_ms).toBeGreaterThanOrEqual(399);
  });

  it('GET /tasks/:id for an unknown id → 404 with a JSON error', async () => {
    const unknown = await getJson(`${target.url}/tasks/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(unknown.body.message).toBeTypeOf('string');
    const malformed = await getJson(`${target.url}/tasks/not-a-uuid`);
    expect(malformed.status).toBe(404);
    expect(malformed.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('GET /healthz and /readyz are 200 while serving', async () => {
    const health = await getJson(`${target.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await getJson(`${target.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it("GET /metrics is Prometheus text with every metric the contract lists for the runtime's app", async () => {
    const response = await fetch(`${target.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const metric of metricsOf('app', runtime)) {
      for (const sample of sampleNames(metric)) {
        expect(text, sample).toMatch(new RegExp(`^${sample}[{ ]`, 'm'));
      }
    }
    // The queue strategy's tasks are counted by its worker process, not the app.
    for (const strategy of taskStrategies(runtime).filter((s) => s.needs.length === 0)) {
      expect(
        sampleValue(text, METRICS.tasks.name, {
          strategy: strategy.name,
          workload: 'cpu',
          outcome: 'done',
        }),
        strategy.name,
      ).toBeGreaterThanOrEqual(1);
    }
    expect(
      sampleValue(text, `${METRICS.httpServerDuration.name}_count`, {
        route: PROBE.route,
        strategy: 'none',
      }),
    ).toBeGreaterThanOrEqual(1);
    // A runtime whose contract lists pool workers has live ones.
    if (metricsOf('app', runtime).some((metric) => metric.key === 'poolWorkers')) {
      expect(sampleValue(text, METRICS.poolWorkers.name)).toBeGreaterThanOrEqual(1);
    }
    expect(text).not.toContain('# EOF');
  });

  it("GET /metrics with an OpenMetrics Accept header carries a sampled request's trace as exemplar, and Prometheus text stays intact", async () => {
    // Sampled by its caller: the default sampler keeps a client's sampled traceparent.
    const traceId = randomBytes(16).toString('hex');
    const probe = await fetch(`${target.url}${PROBE.route}`, {
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(probe.status).toBe(PROBE.status);
    const response = await fetch(`${target.url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
    const text = await response.text();
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    expect(text).toMatch(
      new RegExp(
        `${METRICS.httpServerDuration.name}_bucket\\{[^}]*route="${PROBE.route}"[^}]*\\} \\d+(\\.\\d+)? # \\{[^}]*trace_id="${traceId}"[^}]*\\}`,
      ),
    );
    const plain = await scrape(target.url);
    expect(plain).toMatch(new RegExp(`^${METRICS.httpServerDuration.name}_bucket\\{`, 'm'));
    expect(plain).not.toContain('trace_id=');
  });

  it('links the 202 of every background strategy to GET /tasks/{id} in its OpenAPI (the stateful fuzzer follows it)', async () => {
    type Operation = {
      operationId?: string;
      responses?: Record<string, { links?: Record<string, Record<string, unknown>> }>;
    };
    const { body } = await getJson<{ paths: Record<string, Record<string, Operation>> }>(
      `${target.url}/docs-json`,
    );
    const getTask = body.paths['/tasks/{id}']?.get?.operationId;
    expect(getTask).toBe('getTask');
    for (const strategy of target.strategies.filter((s) => s.status === 202)) {
      const operation = body.paths[strategy.route]?.[strategy.method.toLowerCase()];
      const links = Object.values(operation?.responses?.['202']?.links ?? {});
      expect(links, strategy.route).toContainEqual(
        expect.objectContaining({ operationId: getTask, parameters: { id: '$response.body#/id' } }),
      );
    }
  });

  it("documents each strategy's success status and describes the error body on every 4xx/5xx", async () => {
    type Schema = { $ref?: string; required?: string[]; properties?: Record<string, unknown> };
    type Operation = {
      responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
    };
    const { body } = await getJson<{
      paths: Record<string, Record<string, Operation>>;
      components?: { schemas?: Record<string, Schema> };
    }>(`${target.url}/docs-json`);
    const resolve = (schema: Schema | undefined): Schema | undefined =>
      schema?.$ref ? body.components?.schemas?.[schema.$ref.split('/').at(-1) ?? ''] : schema;
    for (const strategy of target.strategies) {
      const responses =
        body.paths[strategy.route]?.[strategy.method.toLowerCase()]?.responses ?? {};
      expect(Object.keys(responses), strategy.name).toContain(String(strategy.status));
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const schema = resolve(response.content?.['application/json']?.schema);
        const where = `${strategy.name} ${status}`;
        expect(schema?.required?.sort(), where).toEqual(['error', 'message', 'statusCode']);
        expect(ERROR_BODY_KEYS, where).toEqual(
          expect.arrayContaining(Object.keys(schema?.properties ?? {})),
        );
      }
    }
  });

  it('documents every endpoint with OpenAPI at /docs (UI) and /docs-json', async () => {
    const ui = await fetch(`${target.url}/docs`);
    expect(ui.status).toBe(200);
    expect((await ui.text()).toLowerCase()).toContain('swagger');
    const { status, body } = await getJson<{ paths: Record<string, unknown> }>(
      `${target.url}/docs-json`,
    );
    expect(status).toBe(200);
    for (const path of [
      PROBE.route,
      ...target.strategies.map((s) => s.route),
      '/tasks/{id}',
      '/healthz',
      '/readyz',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });
});
