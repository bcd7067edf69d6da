import {
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { runMs, type Task, waitMs } from '../common/tasks/task.js';

export const TASK_TRACER_NAME = 'looplab.tasks';

/** The trace context of the request being handled right now, to link its tasks to it. */
export function currentOrigin(): Task['origin'] {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !trace.isSpanContextValid(context)) return undefined;
  return { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
}

/**
 * One span per background task, from acceptance to the end of its run, in a trace of its
 * own and *linked* to the request that enqueued it (the request finished long before).
 */
export class TaskTracing {
  constructor(private readonly tracer: Tracer = trace.getTracer(TASK_TRACER_NAME)) {}

  /** Records the finished task as a span; returns it so logs can carry its ids. */
  record(task: Task): Span {
    const links: Link[] = task.origin
      ? [{ context: task.origin, attributes: { 'looplab.link': 'enqueued_by' } }]
      : [];
    const span = this.tracer.startSpan(
      `task ${task.strategy} ${task.spec.workload}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: task.queuedAt,
        links,
        attributes: {
          'looplab.task.id': task.id,
          'looplab.task.strategy': task.strategy,
          'looplab.task.workload': task.spec.workload,
          'looplab.task.status': task.status,
          ...('ms' in task.spec
            ? { 'looplab.task.ms': task.spec.ms }
            : { 'looplab.task.iterations': task.spec.iterations }),
          ...(waitMs(task) === undefined ? {} : { 'looplab.task.wait_ms': waitMs(task) }),
          ...(runMs(task) === undefined ? {} : { 'looplab.task.run_ms': runMs(task) }),
        },
      },
      ROOT_CONTEXT,
    );
    if (task.startedAt !== undefined) span.addEvent('task.started', task.startedAt);
    if (task.status === 'failed' || task.status === 'rejected') {
      span.setStatus({ code: SpanStatusCode.ERROR, message: task.error ?? task.status });
    }
    span.end(task.finishedAt ?? task.queuedAt);
    return span;
  }
}
