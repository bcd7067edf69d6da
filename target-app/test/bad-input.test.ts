import { strategiesOf } from '@looplab/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';
import { getJson, postRaw, scrape } from './support/http.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: Array<{ field: string; rule: string }>;
}

const tooLarge = JSON.stringify({ workload: 'cpu', ms: 5, padding: 'x'.repeat(17 * 1024) });

const badBodies: Array<{
  name: string;
  raw: string;
  status: number;
  field: string;
  rule: RegExp;
  contentType?: string;
}> = [
  {
    name: 'unknown workload',
    raw: '{"workload":"mine-bitcoin","ms":5}',
    status: 400,
    field: 'workload',
    rule: /one of: cpu, sleep, hash/,
  },
  { name: 'missing workload', raw: '{"ms":5}', status: 400, field: 'workload', rule: /one of/ },
  {
    name: 'neither ms nor iterations',
    raw: '{"workload":"cpu"}',
    status: 400,
    field: 'ms',
    rule: /exactly one of ms or iterations/,
  },
  {
    name: 'both ms and iterations',
    raw: '{"workload":"cpu","ms":5,"iterations":5}',
    status: 400,
    field: 'iterations',
    rule: /exactly one of ms or iterations/,
  },
  {
    name: 'negative ms',
    raw: '{"workload":"cpu","ms":-1}',
    status: 400,
    field: 'ms',
    rule: /between 0 and 10000/,
  },
  {
    name: 'non-integer ms',
    raw: '{"workload":"sleep","ms":2.5}',
    status: 400,
    field: 'ms',
    rule: /integer/,
  },
  {
    name: 'too-large ms',
    raw: '{"workload":"sleep","ms":10001}',
    status: 400,
    field: 'ms',
    rule: /between 0 and 10000/,
  },
  {
    name: 'zero iterations',
    raw: '{"workload":"cpu","iterations":0}',
    status: 400,
    field: 'iterations',
    rule: /at least 1/,
  },
  {
    name: 'negative iterations',
    raw: '{"workload":"cpu","iterations":-3}',
    status: 400,
    field: 'iterations',
    rule: /at least 1/,
  },
  {
    name: 'too many iterations for the workload',
    raw: '{"workload":"hash","iterations":20001}',
    status: 400,
    field: 'iterations',
    rule: /between 1 and 20000 for workload hash/,
  },
  {
    name: 'ms as a string',
    raw: '{"workload":"cpu","ms":"5"}',
    status: 400,
    field: 'ms',
    rule: /must be a number/,
  },
  {
    name: 'workload as a number',
    raw: '{"workload":7,"ms":5}',
    status: 400,
    field: 'workload',
    rule: /one of/,
  },
  {
    name: 'unknown field',
    raw: '{"workload":"cpu","ms":5,"priority":"high"}',
    status: 400,
    field: 'body',
    rule: /unknown field\(s\): priority/,
  },
  {
    name: 'a JSON array',
    raw: '[{"workload":"cpu","ms":5}]',
    status: 400,
    field: 'body',
    rule: /JSON object/,
  },
  { name: 'JSON null', raw: 'null', status: 400, field: 'body', rule: /JSON object/ },
  {
    name: 'malformed JSON',
    raw: '{"workload":"cpu",',
    status: 400,
    field: 'body',
    rule: /valid, non-empty JSON/,
  },
  { name: 'an empty body', raw: '', status: 400, field: 'body', rule: /valid, non-empty JSON/ },
  {
    name: 'a body over 16 KiB',
    raw: tooLarge,
    status: 413,
    field: 'body',
    rule: /at most 16384 bytes/,
  },
  {
    name: 'a text/plain body',
    raw: 'cpu 5',
    status: 415,
    field: 'content-type',
    rule: /application\/json/,
    contentType: 'text/plain',
  },
  {
    name: 'an XML body',
    raw: '<task/>',
    status: 415,
    field: 'content-type',
    rule: /application\/json/,
    contentType: 'application/xml',
  },
  {
    name: 'a fault while fault injection is off',
    raw: '{"workload":"cpu","ms":5,"fault":"throw"}',
    status: 400,
    field: 'fault',
    rule: /fault injection is disabled/,
  },
];

describe('bad input gets a clear 4xx, never a 500, and loses nothing', () => {
  let app: AppProcess;

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
  });

  // Every strategy that takes a task body (the queue's too: the body is checked before Redis).
  for (const { route } of strategiesOf('node').filter((s) => s.method === 'POST')) {
    for (const bad of badBodies) {
      it(`POST ${route} with ${bad.name} → ${bad.status} naming "${bad.field}"`, async () => {
        const { status, body } = await postRaw<ErrorBody>(
          `${app.url}${route}`,
          bad.raw,
          bad.contentType,
        );
        expect(status).toBe(bad.status);
        expect(body.statusCode).toBe(bad.status);
        expect(body.error).toBeTypeOf('string');
        expect(body.message).toBeTypeOf('string');
        const issue = body.issues?.find((candidate) => candidate.field === bad.field);
        expect(issue, JSON.stringify(body)).toBeDefined();
        expect(issue?.rule).toMatch(bad.rule);
      });
    }
  }

  for (const name of ['inline', 'blocking', 'chunked'] as const) {
    it(`crash faults are refused for the ${name} strategy (they would kill the server)`, async () => {
      const route = strategiesOf('node').find((s) => s.name === name)?.route;
      const { status, body } = await postRaw<ErrorBody>(
        `${app.url}${route}`,
        '{"workload":"cpu","ms":5,"fault":"crash"}',
      );
      expect(status).toBe(400);
      expect(body.issues?.[0]).toMatchObject({
        field: 'fault',
        rule: expect.stringMatching(/not supported by the/),
      });
    });
  }

  for (const [query, rule] of [
    ['ms=abc', /must be a number/],
    ['ms=-5', /between 0 and 10000/],
    ['ms=1.5', /integer/],
    ['ms=10001', /between 0 and 10000/],
  ] as const) {
    it(`GET /async?${query} → 400 naming ms`, async () => {
      const { status, body } = await getJson<ErrorBody>(`${app.url}/async?${query}`);
      expect(status).toBe(400);
      expect(body.issues?.[0]).toMatchObject({ field: 'ms' });
      expect(body.issues?.[0]?.rule).toMatch(rule);
    });
  }

  it('none of the bad requests created a task, and the server is still serving', async () => {
    const metrics = await scrape(app.url);
    expect(metrics).not.toMatch(/^looplab_tasks_total\{/m);
    expect(metrics).not.toMatch(/status_code="5\d\d"/);
    expect((await getJson(`${app.url}/ping`)).status).toBe(200);
  });
});
