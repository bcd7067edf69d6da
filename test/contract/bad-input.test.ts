import { METRICS, PROBE, strategy as strategyNamed } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postRaw, scrape } from '../../target-app/test/support/http.js';
import {
  BAD_ASYNC_QUERIES,
  BAD_BODIES,
  ERROR_BODY_KEYS,
  type ErrorBody,
} from './support/bad-input.js';
import {
  saidGoodbye,
  startTarget,
  TARGETS,
  type Target,
  taskStrategies,
} from './support/target.js';

const UNKNOWN_TASK = '/tasks/00000000-0000-0000-0000-000000000000';

function expectErrorBody(body: ErrorBody, status: number): void {
  expect(body.statusCode, JSON.stringify(body)).toBe(status);
  expect(body.error).toBeTypeOf('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect(body.message).toBeTypeOf('string');
  expect(ERROR_BODY_KEYS).toEqual(expect.arrayContaining(Object.keys(body)));
}

describe.each(TARGETS)(
  'the %s app: bad input gets a clear 4xx, never a 500, and loses nothing',
  (runtime) => {
    let target: Target;

    beforeAll(async () => {
      target = await startTarget(runtime);
    });
    afterAll(async () => {
      const lastLines = await target.stop();
      expect(saidGoodbye(lastLines), lastLines.join('\n')).toBe(true);
    });

    describe.each(taskStrategies(runtime).map((s) => [s.name, s] as const))(
      'POST %s',
      (_name, strategy) => {
        it.each(BAD_BODIES.map((bad) => [bad.name, bad] as const))(
          'with %s → the status naming the field and the rule',
          async (_bad, bad) => {
            const { status, body } = await postRaw<ErrorBody>(
              `${target.url}${strategy.route}`,
              bad.raw,
              bad.contentType,
            );
            expect(status, JSON.stringify(body)).toBe(bad.status);
            expectErrorBody(body, bad.status);
            const issue = body.issues?.find((candidate) => candidate.field === bad.field);
            expect(issue, JSON.stringify(body)).toBeDefined();
            expect(issue?.rule).toMatch(bad.rule);
          },
        );
      },
    );

    // A crash fault on a strategy that runs on the event loop would take the server down with it.
    it.each(
      taskStrategies(runtime)
        .filter((s) => !s.offLoop)
        .map((s) => [s.name, s] as const),
    )(
      'crash faults are refused for the %s strategy (it runs on the loop)',
      async (_name, strategy) => {
        const { status, body } = await postRaw<ErrorBody>(
          `${target.url}${strategy.route}`,
          '{"workload":"cpu","ms":5,"fault":"crash"}',
        );
        expect(status).toBe(400);
        expectErrorBody(body, 400);
        expect(body.issues?.[0], JSON.stringify(body)).toMatchObject({
          field: 'fault',
          rule: expect.stringMatching(/not supported by the/),
        });
      },
    );

    const asyncRoute = strategyNamed('async').route;
    it.each(BAD_ASYNC_QUERIES)(`GET ${asyncRoute}?%s → 400 naming ms`, async (query, rule) => {
      const { status, body } = await getJson<ErrorBody>(`${target.url}${asyncRoute}?${query}`);
      expect(status).toBe(400);
      expectErrorBody(body, 400);
      expect(body.issues?.[0], JSON.stringify(body)).toMatchObject({ field: 'ms' });
      expect(body.issues?.[0]?.rule).toMatch(rule);
    });

    it.each([
      ['GET', '/no-such-route'],
      ['GET', '/background'],
      ['POST', '/background/no-such-strategy'],
      ['DELETE', '/tasks'],
    ])('%s %s (an unknown route) → 404 with a JSON error body', async (method, path) => {
      const response = await fetch(`${target.url}${path}`, {
        method,
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/json' }, body: '{"workload":"cpu","ms":5}' }
          : {}),
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('allow')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as ErrorBody;
      expectErrorBody(body, 404);
      expect(body.error).toBe('Not Found');
    });

    describe('an undeclared method on a declared route → 405 with Allow naming the declared ones', () => {
      const declared = (runtimeTarget: typeof runtime) => [
        { method: PROBE.method, path: PROBE.route },
        ...taskStrategies(runtimeTarget).map((s) => ({ method: s.method, path: s.route })),
        { method: 'GET', path: strategyNamed('async').route },
        { method: 'GET', path: UNKNOWN_TASK },
        { method: 'GET', path: '/healthz' },
        { method: 'GET', path: '/readyz' },
        { method: 'GET', path: '/metrics' },
      ];
      it.each(
        declared(runtime).flatMap((route) =>
          [
            'PUT',
            'DELETE',
            'PATCH',
            'OPTIONS',
            'QUERY',
            route.method === 'GET' ? 'POST' : 'GET',
          ].map((wrong) => [wrong, route.path, route.method] as const),
        ),
      )('%s %s → 405, Allow: %s', async (wrong, path, method) => {
        const response = await fetch(`${target.url}${path}`, { method: wrong });
        expect(response.status).toBe(405);
        const allow = (response.headers.get('allow') ?? '').split(',').map((m) => m.trim());
        // HEAD comes with every GET (RFC 9110 §9.3.2), on both apps.
        expect(allow.sort()).toEqual((method === 'GET' ? ['GET', 'HEAD'] : [method]).sort());
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await response.json()) as ErrorBody;
        expectErrorBody(body, 405);
        expect(body.error).toBe('Method Not Allowed');
      });
    });

    it.each([PROBE.route, '/healthz', UNKNOWN_TASK])(
      'HEAD %s answers like GET, without a body',
      async (path) => {
        const get = await fetch(`${target.url}${path}`);
        const head = await fetch(`${target.url}${path}`, { method: 'HEAD' });
        expect(head.status).toBe(get.status);
        expect(await head.text()).toBe('');
      },
    );

    it('none of the bad requests created a task, and the server is still serving', async () => {
      const metrics = await scrape(target.url);
      expect(metrics).not.toMatch(new RegExp(`^${METRICS.tasks.name}\\{`, 'm'));
      expect(metrics).not.toMatch(/status_code="5\d\d"/);
      expect((await getJson(`${target.url}${PROBE.route}`)).status).toBe(PROBE.status);
    });
  },
);
