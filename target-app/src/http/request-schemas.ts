import { z } from 'zod';
import type { InjectedFault, TaskRequest } from '../tasks/task.js';
import {
  ITERATION_MEANING,
  MAX_ITERATIONS,
  MAX_WORKLOAD_MS,
  WORKLOAD_KINDS,
  type WorkloadSpec,
} from '../tasks/workloads.js';

const integerIn = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int({ error: `${field} must be an integer` })
    .min(min, { error: `${field} must be between ${min} and ${max}` })
    .max(max, { error: `${field} must be between ${min} and ${max}` });

export const backgroundTaskBodySchema = z
  .strictObject(
    {
      workload: z.enum(WORKLOAD_KINDS, {
        error: `workload must be one of: ${WORKLOAD_KINDS.join(', ')}`,
      }),
      ms: integerIn('ms', 0, MAX_WORKLOAD_MS)
        .optional()
        .describe('Wall-clock budget in milliseconds (exactly one of ms or iterations).'),
      iterations: z
        .number({ error: 'iterations must be a number' })
        .int({ error: 'iterations must be an integer' })
        .min(1, { error: 'iterations must be at least 1' })
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
        .enum(['throw', 'crash'], { error: 'fault must be one of: throw, crash' })
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
        message: `iterations must be between 1 and ${MAX_ITERATIONS[body.workload]} for workload ${body.workload}`,
      });
    }
  });

export type BackgroundTaskBody = z.infer<typeof backgroundTaskBodySchema>;

export function toTaskRequest(body: BackgroundTaskBody): TaskRequest {
  const spec: WorkloadSpec =
    body.ms !== undefined
      ? { workload: body.workload, ms: body.ms }
      : { workload: body.workload, iterations: body.iterations ?? 1 };
  return { spec, fault: body.fault as InjectedFault | undefined };
}

export const asyncQuerySchema = z.object({
  ms: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, { error: 'ms must be a number' })
    .transform(Number)
    .pipe(integerIn('ms', 0, MAX_WORKLOAD_MS))
    .default(0),
});

export type AsyncQuery = z.infer<typeof asyncQuerySchema>;
