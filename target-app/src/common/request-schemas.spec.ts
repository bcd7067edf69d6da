import { MAX_ITERATIONS, WORKLOAD_KINDS, WORKLOAD_MS } from '@looplab/contract';
import { describe, expect, it } from 'vitest';
import { asyncQuerySchema, taskBodySchema, toTaskRequest } from './request-schemas.js';

const MAX_WORKLOAD_MS = WORKLOAD_MS.max;

interface Problem {
  path: string;
  message: string;
}

/** Parses a body that must be rejected; returns its issues as "path: message" pairs. */
function problems(body: unknown): Problem[] {
  const parsed = taskBodySchema.safeParse(body);
  expect(parsed.success).toBe(false);
  return (parsed.error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

function queryProblems(query: unknown): Problem[] {
  const parsed = asyncQuerySchema.safeParse(query);
  expect(parsed.success).toBe(false);
  return (parsed.error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

describe('taskBodySchema: accepted bodies', () => {
  it.each(WORKLOAD_KINDS)('accepts an ms body for %s', (workload) => {
    expect(taskBodySchema.parse({ workload, ms: 100 })).toEqual({ workload, ms: 100 });
  });

  it.each(WORKLOAD_KINDS)('accepts an iterations body for %s, up to its cap', (workload) => {
    expect(taskBodySchema.parse({ workload, iterations: 1 })).toEqual({
      workload,
      iterations: 1,
    });
    const cap = MAX_ITERATIONS[workload];
    expect(taskBodySchema.parse({ workload, iterations: cap })).toEqual({
      workload,
      iterations: cap,
    });
  });

  it('accepts the ms bounds 0 and MAX_WORKLOAD_MS', () => {
    expect(taskBodySchema.safeParse({ workload: 'cpu', ms: 0 }).success).toBe(true);
    expect(taskBodySchema.safeParse({ workload: 'cpu', ms: MAX_WORKLOAD_MS }).success).toBe(true);
  });

  it('accepts a fault', () => {
    expect(taskBodySchema.parse({ workload: 'cpu', ms: 5, fault: 'throw' })).toEqual({
      workload: 'cpu',
      ms: 5,
      fault: 'throw',
    });
  });
});

describe('taskBodySchema: rejected bodies name the field', () => {
  it('rejects an unknown workload', () => {
    expect(problems({ workload: 'gpu', ms: 5 })).toEqual([
      { path: 'workload', message: 'workload must be one of: cpu, sleep, hash' },
    ]);
  });

  it('rejects a missing workload', () => {
    expect(problems({ ms: 5 })).toEqual([
      { path: 'workload', message: 'workload must be one of: cpu, sleep, hash' },
    ]);
  });

  it('rejects a body with neither ms nor iterations', () => {
    expect(problems({ workload: 'cpu' })).toEqual([
      { path: 'ms', message: 'exactly one of ms or iterations is required' },
    ]);
  });

  it('rejects a body with both ms and iterations', () => {
    expect(problems({ workload: 'cpu', ms: 5, iterations: 5 })).toEqual([
      { path: 'iterations', message: 'exactly one of ms or iterations is required' },
    ]);
  });

  it('rejects a negative ms', () => {
    expect(problems({ workload: 'sleep', ms: -1 })).toEqual([
      { path: 'ms', message: `ms must be between 0 and ${MAX_WORKLOAD_MS}` },
    ]);
  });

  it('rejects a zero or negative iteration count', () => {
    expect(problems({ workload: 'cpu', iterations: 0 })).toEqual([
      { path: 'iterations', message: 'iterations must be at least 1' },
    ]);
    expect(problems({ workload: 'cpu', iterations: -3 })).toEqual([
      { path: 'iterations', message: 'iterations must be at least 1' },
    ]);
  });

  it('rejects non-integer ms and iterations', () => {
    expect(problems({ workload: 'cpu', ms: 1.5 })).toEqual([
      { path: 'ms', message: 'ms must be an integer' },
    ]);
    expect(problems({ workload: 'cpu', iterations: 2.5 })).toEqual([
      { path: 'iterations', message: 'iterations must be an integer' },
    ]);
  });

  it('rejects ms above MAX_WORKLOAD_MS instead of clipping it', () => {
    expect(problems({ workload: 'sleep', ms: MAX_WORKLOAD_MS + 1 })).toEqual([
      { path: 'ms', message: `ms must be between 0 and ${MAX_WORKLOAD_MS}` },
    ]);
  });

  it.each(WORKLOAD_KINDS)('rejects iterations over the %s cap', (workload) => {
    const cap = MAX_ITERATIONS[workload];
    expect(problems({ workload, iterations: cap + 1 })).toEqual([
      {
        path: 'iterations',
        message: `iterations must be between 1 and ${cap} for workload ${workload}`,
      },
    ]);
  });

  it('applies the per-workload cap: a valid cpu count is too large for hash', () => {
    const count = MAX_ITERATIONS.hash + 1;
    expect(count).toBeLessThanOrEqual(MAX_ITERATIONS.cpu);
    expect(taskBodySchema.safeParse({ workload: 'cpu', iterations: count }).success).toBe(true);
    expect(problems({ workload: 'hash', iterations: count })[0]?.path).toBe('iterations');
  });

  it('rejects numbers sent as strings', () => {
    expect(problems({ workload: 'cpu', ms: '5' })).toEqual([
      { path: 'ms', message: 'ms must be a number' },
    ]);
    expect(problems({ workload: 'cpu', iterations: '5' })).toEqual([
      { path: 'iterations', message: 'iterations must be a number' },
    ]);
  });

  it('rejects other wrong types', () => {
    expect(problems({ workload: 'cpu', ms: null })[0]).toEqual({
      path: 'ms',
      message: 'ms must be a number',
    });
    expect(problems({ workload: 'cpu', ms: true })[0]?.path).toBe('ms');
    expect(problems({ workload: 7, ms: 5 })[0]?.path).toBe('workload');
  });

  it('rejects an unknown fault', () => {
    expect(problems({ workload: 'cpu', ms: 5, fault: 'explode' })).toEqual([
      { path: 'fault', message: 'fault must be one of: throw, crash' },
    ]);
  });

  it('rejects unknown extra fields, naming them', () => {
    const found = problems({ workload: 'cpu', ms: 5, seconds: 3, extra: true });
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe('unknown field(s): seconds, extra');
  });

  it.each([
    ['an array', [{ workload: 'cpu', ms: 5 }]],
    ['null', null],
    ['undefined', undefined],
    ['a string', '{"workload":"cpu","ms":5}'],
    ['a number', 5],
  ])('rejects %s as the body', (_label, body) => {
    expect(problems(body)).toEqual([{ path: '', message: 'body must be a JSON object' }]);
  });
});

describe('toTaskRequest', () => {
  it('maps an ms body to an ms spec', () => {
    const body = taskBodySchema.parse({ workload: 'sleep', ms: 250 });
    const request = toTaskRequest(body);
    expect(request.spec).toEqual({ workload: 'sleep', ms: 250 });
    expect('iterations' in request.spec).toBe(false);
    expect(request.fault).toBeUndefined();
  });

  it('maps an ms of 0 to an ms spec (not to iterations)', () => {
    const request = toTaskRequest(taskBodySchema.parse({ workload: 'cpu', ms: 0 }));
    expect(request.spec).toEqual({ workload: 'cpu', ms: 0 });
  });

  it('maps an iterations body to an iterations spec, keeping the fault', () => {
    const body = taskBodySchema.parse({
      workload: 'hash',
      iterations: 12,
      fault: 'crash',
    });
    const request = toTaskRequest(body);
    expect(request.spec).toEqual({ workload: 'hash', iterations: 12 });
    expect('ms' in request.spec).toBe(false);
    expect(request.fault).toBe('crash');
  });
});

describe('asyncQuerySchema', () => {
  it('coerces a numeric string', () => {
    expect(asyncQuerySchema.parse({ ms: '20' })).toEqual({ ms: 20 });
  });

  it('defaults ms to 0', () => {
    expect(asyncQuerySchema.parse({})).toEqual({ ms: 0 });
  });

  it('accepts the upper bound', () => {
    expect(asyncQuerySchema.parse({ ms: String(MAX_WORKLOAD_MS) })).toEqual({
      ms: MAX_WORKLOAD_MS,
    });
  });

  it('rejects a non-number', () => {
    expect(queryProblems({ ms: 'abc' })).toEqual([{ path: 'ms', message: 'ms must be a number' }]);
  });

  it('rejects a negative number', () => {
    expect(queryProblems({ ms: '-1' })).toEqual([
      { path: 'ms', message: `ms must be between 0 and ${MAX_WORKLOAD_MS}` },
    ]);
  });

  it('rejects a fraction', () => {
    expect(queryProblems({ ms: '1.5' })).toEqual([
      { path: 'ms', message: 'ms must be an integer' },
    ]);
  });

  it.each(['', ' ', '0x10', '1e3'])('rejects %j instead of reading it as a number', (ms) => {
    expect(queryProblems({ ms })).toEqual([{ path: 'ms', message: 'ms must be a number' }]);
  });

  it('rejects a repeated ms', () => {
    expect(queryProblems({ ms: ['1', '2'] })).toEqual([
      { path: 'ms', message: 'ms must be one number' },
    ]);
  });

  it('rejects a value over the cap', () => {
    expect(queryProblems({ ms: '99999' })).toEqual([
      { path: 'ms', message: `ms must be between 0 and ${MAX_WORKLOAD_MS}` },
    ]);
  });
});
