import {
  INJECTED_FAULTS,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  WORKLOAD_KINDS,
  WORKLOAD_MS,
} from '@looplab/contract';
import { z } from 'zod';
import { ITERATION_MEANING } from '../workloads/iteration-meaning.js';
import type { WorkloadSpec } from '../workloads/workloads.js';
import type { TaskRequest } from './tasks/task.js';

const integerIn = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be an integer` })
    .min(min, { error: `${field} must be between ${min} and ${max}` })
    .max(max, { error: `${field} must be between ${min} and ${max}` });

export const taskBodySchema = z
  .strictObject(
    {
      workload: z.enum(WORKLOAD_KINDS, {
        error: `workload must be one of: ${WORKLOAD_KINDS.join(', ')}`,
      }),
      ms: integerIn('ms', WORKLOAD_MS.min, WORKLOAD_MS.max)
        .optional()
        .describe('Wall-clock budget in milliseconds (exactly one of ms or iterations).'),
      iterations: z
        .number({ error: 'iterations must be a number' })
        .int({ error: 'iterations must be an integer' })
        .min(MIN_ITERATIONS, { error: `iterations must be at least ${MIN_ITERATIONS}` })
        .optional()
        .describe(
          `Fixed amount of work (exactly one of ms or iterations). One iteration is: ${Object.entries(
            ITERATION_MEANING,
          )
            .map(
              ([kind, meaning]) =>
                `${kind}: ${meaning} (max ${MAX_ITERATIONS[kind as keyof typeof MAX_ITERATIONS]})`,
            )
            .join('; ')}.`,
        ),
      fault: z
        .enum(INJECTED_FAULTS, { error: `fault must be one of: ${INJECTED_FAULTS.join(', ')}` })
        .optional()
        .describe(
          'Fault injection (only with LOOPLAB_FAULT_INJECTION=on): throw fails the task, crash kills the pool worker.',
        ),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}`
          : 'body must be a JSON object',
    },
  )
  .superRefine((body, ctx) => {
    const hasMs = body.ms !== undefined;
    const hasIterations = body.iterations !== undefined;
    if (hasMs === hasIterations) {
      ctx.addIssue({
        code: 'custom',
        path: [hasMs ? 'iterations' : 'ms'],
        message: 'exactly one of ms or iterations is required',
      });
    }
    if (body.iterations !== undefined && body.iterations > MAX_ITERATIONS[body.workload]) {
      ctx.addIssue({
        code: 'custom',
        path: ['iterations'],
        message: `iterations must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS[body.workload]} for workload ${body.workload}`,
      });
    }
  });

export type TaskBody = z.infer<typeof taskBodySchema>;

export function toTaskRequest(body: TaskBody): TaskRequest {
  const spec: WorkloadSpec =
    body.ms !== undefined
      ? { workload: body.workload, ms: body.ms }
      : { workload: body.workload, iterations: body.iterations ?? 1 };
  return { spec, fault: body.fault };
}

export const asyncQuerySchema = z.object({
  ms: z
    .string({ error: 'ms must be one number' })
    .regex(/^-?\d+(\.\d+)?$/, { error: 'ms must be a number' })
    .transform(Number)
    .pipe(integerIn('ms', WORKLOAD_MS.min, WORKLOAD_MS.max))
    .default(0),
});

export type AsyncQuery = z.infer<typeof asyncQuerySchema>;
