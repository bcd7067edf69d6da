import {
  type InjectedFault,
  MAX_BODY_BYTES,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  strategiesOf,
  TASK_STATUSES,
  WORKLOAD_KINDS,
  WORKLOAD_MS,
} from '@looplab/contract';
import type { SchemaObject } from '@nestjs/swagger';
import { ITERATION_MEANING } from '../workloads/iteration-meaning.js';

/**
 * OpenAPI schemas that say exactly what the validators enforce (request-schemas.ts and the
 * error mapping), so a schema-driven fuzzer finds no valid body rejected and no response off
 * its schema. Shared schemas are components, referenced as `ref('ErrorBody')`.
 */

export const ref = (name: keyof typeof COMPONENT_SCHEMAS): { $ref: string } => ({
  $ref: `#/components/schemas/${name}`,
});

const NODE_STRATEGIES = strategiesOf('node').map((s) => s.name);
const MAX_OF_ANY_KIND = Math.max(...WORKLOAD_KINDS.map((kind) => MAX_ITERATIONS[kind]));

const msSchema: SchemaObject = {
  type: 'integer',
  minimum: WORKLOAD_MS.min,
  maximum: WORKLOAD_MS.max,
  description: 'Wall-clock budget in milliseconds (exactly one of ms or iterations).',
};

const iterationsSchema: SchemaObject = {
  type: 'integer',
  minimum: MIN_ITERATIONS,
  maximum: MAX_OF_ANY_KIND,
  description: `Fixed amount of work (exactly one of ms or iterations); the cap depends on the workload. One iteration is: ${WORKLOAD_KINDS.map(
    (kind) => `${kind}: ${ITERATION_MEANING[kind]} (max ${MAX_ITERATIONS[kind]})`,
  ).join('; ')}.`,
};

/** The task body: a workload, exactly one of ms or iterations, and (when enabled) a fault. */
export function taskBodyOpenApi(faults: readonly InjectedFault[]): SchemaObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['workload'],
    properties: {
      workload: { type: 'string', enum: [...WORKLOAD_KINDS] },
      ms: msSchema,
      iterations: iterationsSchema,
      ...(faults.length > 0
        ? {
            fault: {
              type: 'string',
              enum: [...faults],
              description:
                'Fault injection (LOOPLAB_FAULT_INJECTION=on): throw fails the task, crash kills the pool worker.',
            },
          }
        : {}),
    },
    oneOf: [{ required: ['ms'] }, { required: ['iterations'] }],
    // The iteration cap of each workload kind.
    allOf: [
      {
        oneOf: WORKLOAD_KINDS.map((kind) => ({
          properties: {
            workload: { type: 'string', enum: [kind] },
            iterations: { type: 'integer', maximum: MAX_ITERATIONS[kind] },
          },
        })),
      },
    ],
  };
}

const nullableTime: SchemaObject = { type: 'string', format: 'date-time', nullable: true };

export const COMPONENT_SCHEMAS = {
  ErrorBody: {
    type: 'object',
    additionalProperties: false,
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer', minimum: 400, maximum: 599 },
      error: { type: 'string' },
      message: { type: 'string' },
      issues: {
        type: 'array',
        description: 'One entry per broken rule, naming the field.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['field', 'rule'],
          properties: { field: { type: 'string' }, rule: { type: 'string' } },
        },
      },
      task_id: {
        type: 'string',
        format: 'uuid',
        description: 'A rejected task is recorded anyway (503): look it up at status_url.',
      },
      status_url: { type: 'string' },
    },
  },
  AcceptedTask: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'strategy', 'status_url'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      strategy: { type: 'string', enum: NODE_STRATEGIES },
      status_url: { type: 'string', description: 'GET it to follow the task: /tasks/{id}' },
    },
  },
  TaskView: {
    type: 'object',
    additionalProperties: false,
    required: [
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
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      strategy: { type: 'string', enum: NODE_STRATEGIES },
      workload: {
        type: 'object',
        additionalProperties: false,
        required: ['workload'],
        properties: {
          workload: { type: 'string', enum: [...WORKLOAD_KINDS] },
          ms: { type: 'integer' },
          iterations: { type: 'integer' },
        },
      },
      status: { type: 'string', enum: [...TASK_STATUSES] },
      queued_at: { type: 'string', format: 'date-time' },
      started_at: nullableTime,
      finished_at: nullableTime,
      wait_ms: { type: 'number', nullable: true },
      run_ms: { type: 'number', nullable: true },
      result: {
        type: 'object',
        nullable: true,
        additionalProperties: false,
        required: ['workload', 'iterations', 'elapsedMs', 'checksum'],
        properties: {
          workload: { type: 'string', enum: [...WORKLOAD_KINDS] },
          iterations: { type: 'integer', minimum: 0 },
          elapsedMs: { type: 'number', minimum: 0 },
          checksum: { type: 'integer', minimum: 0 },
        },
      },
      error: { type: 'string', nullable: true },
    },
  },
} satisfies Record<string, SchemaObject>;

export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

export const BODY_LIMIT_NOTE = `Body over ${MAX_BODY_BYTES} bytes`;
