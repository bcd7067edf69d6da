import {
  INJECTED_FAULTS,
  MAX_BODY_BYTES,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  WORKLOAD_KINDS,
  WORKLOAD_MS,
} from '@looplab/contract';

/** A request the apps must refuse with a 4xx whose issues name the field and the rule. */
export interface BadRequest {
  name: string;
  raw: string;
  status: number;
  field: string;
  rule: RegExp;
  contentType?: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(escapeRegExp(text));
const body = (value: unknown) => JSON.stringify(value);

const oneOfWorkloads = exactly(`one of: ${WORKLOAD_KINDS.join(', ')}`);
const msRange = exactly(`between ${WORKLOAD_MS.min} and ${WORKLOAD_MS.max}`);
const exactlyOne = /exactly one of ms or iterations/;
const notANumber = /must be a number/;
const notAnInteger = /must be an integer/;
const tooFewIterations = exactly(`at least ${MIN_ITERATIONS}`);

/** Every class of bad task body, every bound taken from the contract. */
export const BAD_BODIES: readonly BadRequest[] = [
  // The workload
  {
    name: 'unknown workload',
    raw: body({ workload: 'mine-bitcoin', ms: 5 }),
    status: 400,
    field: 'workload',
    rule: oneOfWorkloads,
  },
  {
    name: 'missing workload',
    raw: body({ ms: 5 }),
    status: 400,
    field: 'workload',
    rule: oneOfWorkloads,
  },
  {
    name: 'workload as a number',
    raw: body({ workload: 7, ms: 5 }),
    status: 400,
    field: 'workload',
    rule: oneOfWorkloads,
  },
  // Exactly one of ms / iterations
  {
    name: 'neither ms nor iterations',
    raw: body({ workload: 'cpu' }),
    status: 400,
    field: 'ms',
    rule: exactlyOne,
  },
  {
    name: 'both ms and iterations',
    raw: body({ workload: 'cpu', ms: 5, iterations: 5 }),
    status: 400,
    field: 'iterations',
    rule: exactlyOne,
  },
  // ms: type and bounds
  {
    name: `ms below ${WORKLOAD_MS.min}`,
    raw: body({ workload: 'cpu', ms: WORKLOAD_MS.min - 1 }),
    status: 400,
    field: 'ms',
    rule: msRange,
  },
  {
    name: `ms above ${WORKLOAD_MS.max}`,
    raw: body({ workload: 'sleep', ms: WORKLOAD_MS.max + 1 }),
    status: 400,
    field: 'ms',
    rule: msRange,
  },
  {
    name: 'non-integer ms',
    raw: body({ workload: 'sleep', ms: 2.5 }),
    status: 400,
    field: 'ms',
    rule: notAnInteger,
  },
  {
    name: 'ms as a string',
    raw: body({ workload: 'cpu', ms: '5' }),
    status: 400,
    field: 'ms',
    rule: notANumber,
  },
  {
    name: 'ms as a boolean',
    raw: body({ workload: 'cpu', ms: true }),
    status: 400,
    field: 'ms',
    rule: notANumber,
  },
  {
    name: 'ms as null',
    raw: body({ workload: 'cpu', ms: null }),
    status: 400,
    field: 'ms',
    rule: notANumber,
  },
  // iterations: type and bounds (the upper one per workload kind)
  {
    name: `iterations below ${MIN_ITERATIONS}`,
    raw: body({ workload: 'cpu', iterations: MIN_ITERATIONS - 1 }),
    status: 400,
    field: 'iterations',
    rule: tooFewIterations,
  },
  {
    name: 'negative iterations',
    raw: body({ workload: 'cpu', iterations: -3 }),
    status: 400,
    field: 'iterations',
    rule: tooFewIterations,
  },
  ...WORKLOAD_KINDS.map((kind) => ({
    name: `iterations above ${MAX_ITERATIONS[kind]} for ${kind}`,
    raw: body({ workload: kind, iterations: MAX_ITERATIONS[kind] + 1 }),
    status: 400,
    field: 'iterations',
    rule: exactly(`between ${MIN_ITERATIONS} and ${MAX_ITERATIONS[kind]} for workload ${kind}`),
  })),
  {
    name: 'non-integer iterations',
    raw: body({ workload: 'hash', iterations: 2.5 }),
    status: 400,
    field: 'iterations',
    rule: notAnInteger,
  },
  {
    name: 'iterations as a string',
    raw: body({ workload: 'hash', iterations: '3' }),
    status: 400,
    field: 'iterations',
    rule: notANumber,
  },
  // fault
  {
    name: 'an unknown fault',
    raw: body({ workload: 'cpu', ms: 5, fault: 'explode' }),
    status: 400,
    field: 'fault',
    rule: exactly(`one of: ${INJECTED_FAULTS.join(', ')}`),
  },
  {
    name: 'a fault while fault injection is off',
    raw: body({ workload: 'cpu', ms: 5, fault: 'throw' }),
    status: 400,
    field: 'fault',
    rule: /fault injection is disabled/,
  },
  // The body as a whole
  {
    name: 'unknown field',
    raw: body({ workload: 'cpu', ms: 5, priority: 'high' }),
    status: 400,
    field: 'body',
    rule: /unknown field\(s\): priority/,
  },
  {
    name: 'a JSON array',
    raw: body([{ workload: 'cpu', ms: 5 }]),
    status: 400,
    field: 'body',
    rule: /JSON object/,
  },
  { name: 'JSON null', raw: 'null', status: 400, field: 'body', rule: /JSON object/ },
  { name: 'a JSON string', raw: '"cpu"', status: 400, field: 'body', rule: /JSON object/ },
  { name: 'a JSON number', raw: '5', status: 400, field: 'body', rule: /JSON object/ },
  {
    name: 'malformed JSON',
    raw: '{"workload":"cpu",',
    status: 400,
    field: 'body',
    rule: /valid, non-empty JSON/,
  },
  { name: 'an empty body', raw: '', status: 400, field: 'body', rule: /valid, non-empty JSON/ },
  ...['NaN', 'Infinity', '-Infinity'].map((constant) => ({
    name: `${constant} (not JSON, though some parsers take it)`,
    raw: `{"workload":"cpu","ms":${constant}}`,
    status: 400,
    field: 'body',
    rule: /valid, non-empty JSON/,
  })),
  {
    name: `a body over ${MAX_BODY_BYTES} bytes`,
    raw: body({ workload: 'cpu', ms: 5, padding: 'x'.repeat(MAX_BODY_BYTES) }),
    status: 413,
    field: 'body',
    rule: exactly(`at most ${MAX_BODY_BYTES} bytes`),
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
    name: 'a vendor +json body',
    raw: body({ workload: 'cpu', ms: 5 }),
    status: 415,
    field: 'content-type',
    rule: /application\/json/,
    contentType: 'application/vnd.api+json',
  },
  {
    name: 'an XML body',
    raw: '<task/>',
    status: 415,
    field: 'content-type',
    rule: /application\/json/,
    contentType: 'application/xml',
  },
];

/** GET /async?<query> → 400 naming ms with this rule. */
export const BAD_ASYNC_QUERIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['ms=abc', notANumber],
  ['ms=', notANumber],
  [`ms=${WORKLOAD_MS.min - 5}`, msRange],
  ['ms=1.5', notAnInteger],
  ['ms=1&ms=2', /ms must be one number/],
  [`ms=${WORKLOAD_MS.max + 1}`, msRange],
];

/** The only keys an error body has (the apps' OpenAPI ErrorBody). */
export const ERROR_BODY_KEYS = [
  'statusCode',
  'error',
  'message',
  'issues',
  'task_id',
  'status_url',
];

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: Array<{ field: string; rule: string }>;
  task_id?: string;
  status_url?: string;
}
