import {
  INJECTED_FAULTS,
  type InjectedFault,
  MAX_ITERATIONS,
  WORKLOAD_KINDS,
} from '@looplab/contract';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { COMPONENT_SCHEMAS, taskBodyOpenApi } from './openapi-schemas.js';
import { taskBodySchema } from './request-schemas.js';

/** Bodies on and around every rule the validator enforces. */
function candidateBodies(): unknown[] {
  const bodies: unknown[] = [{}, { ms: 5 }, { workload: 'gpu', ms: 5 }, [], null, 'cpu'];
  for (const workload of WORKLOAD_KINDS) {
    const cap = MAX_ITERATIONS[workload];
    for (const ms of [-1, 0, 1, 10_000, 10_001, 1.5, '5', null, true])
      bodies.push({ workload, ms });
    for (const iterations of [0, 1, cap, cap + 1, 200_001, 2.5, '5']) {
      bodies.push({ workload, iterations });
    }
    bodies.push({ workload }, { workload, ms: 5, iterations: 5 }, { workload, ms: 5, extra: 1 });
    for (const fault of [...INJECTED_FAULTS, 'explode']) bodies.push({ workload, ms: 5, fault });
  }
  return bodies;
}

/** What the endpoint accepts: the zod schema, then the fault rule of the controller. */
function endpointAccepts(body: unknown, faults: readonly InjectedFault[]): boolean {
  const parsed = taskBodySchema.safeParse(body);
  if (!parsed.success) return false;
  return parsed.data.fault === undefined || faults.includes(parsed.data.fault);
}

describe('taskBodyOpenApi says exactly what the validator enforces', () => {
  const ajv = new Ajv({ strict: false });

  it.each([[[]], [['throw']], [['throw', 'crash']]] as const)(
    'accepts the same bodies as the endpoint with faults %j',
    (faults) => {
      const validate = ajv.compile(taskBodyOpenApi(faults));
      const disagreements = candidateBodies().filter(
        (body) => validate(body) !== endpointAccepts(body, faults),
      );
      expect(disagreements).toEqual([]);
    },
  );

  it('expresses "exactly one of ms or iterations" as oneOf', () => {
    expect(taskBodyOpenApi([]).oneOf).toEqual([{ required: ['ms'] }, { required: ['iterations'] }]);
  });
});

describe('component schemas', () => {
  const ajv = new Ajv({ strict: false });

  it('the error body schema accepts the bodies the app sends', () => {
    const validate = ajv.compile(COMPONENT_SCHEMAS.ErrorBody);
    expect(
      validate({
        statusCode: 400,
        error: 'Bad Request',
        message: 'invalid body',
        issues: [{ field: 'ms', rule: 'ms must be an integer' }],
      }),
    ).toBe(true);
    expect(
      validate({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'full',
        task_id: '0d5d1a3e-1111-2222-3333-444444444444',
        status_url: '/tasks/0d5d1a3e-1111-2222-3333-444444444444',
      }),
    ).toBe(true);
    expect(validate({ statusCode: 400, error: 'x' })).toBe(false);
  });
});
