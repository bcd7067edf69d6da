import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import type { ApiErrorBody } from './api-error.js';

/** Validates one request part with a zod schema; a failure is a 400 naming each field and rule. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly part: 'body' | 'query' | 'params',
  ) {}

  transform(value: unknown): z.output<T> {
    const parsed = this.schema.safeParse(value ?? (this.part === 'body' ? undefined : {}));
    if (parsed.success) return parsed.data;
    const body: ApiErrorBody = {
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid ${this.part}`,
      issues: parsed.error.issues.map((problem) => ({
        field: problem.path.length > 0 ? problem.path.join('.') : this.part,
        rule: problem.message,
      })),
    };
    throw new BadRequestException(body);
  }
}
