"""Each background task has its own span, in a trace of its own (the request finished long
before), linked to the request span that enqueued it, as in the Node app."""

from __future__ import annotations

from contextlib import AbstractContextManager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode

from ..tasks.task import Task


def current_origin() -> SpanContext | None:
    context = trace.get_current_span().get_span_context()
    return context if context.is_valid else None


def _ns(epoch_ms: float) -> int:
    return int(epoch_ms * 1e6)


class TaskTracing:
    def __init__(self) -> None:
        self.tracer = trace.get_tracer("looplab_fastapi.tasks")

    def record(self, task: Task) -> AbstractContextManager[trace.Span]:
        """Records the finished (or rejected) task's span; the context makes it current for logs."""
        attributes: dict[str, str | int | float] = {
            "looplab.task.id": task.id,
            "looplab.task.strategy": task.strategy,
            "looplab.task.workload": task.spec.workload,
            "looplab.task.status": task.status,
        }
        if task.spec.ms is not None:
            attributes["looplab.task.ms"] = task.spec.ms
        if task.spec.iterations is not None:
            attributes["looplab.task.iterations"] = task.spec.iterations
        if task.wait_ms is not None:
            attributes["looplab.task.wait_ms"] = task.wait_ms
        if task.run_ms is not None:
            attributes["looplab.task.run_ms"] = task.run_ms
        links = [Link(task.origin, {"looplab.link": "enqueued_by"})] if task.origin else []
        span = self.tracer.start_span(
            f"task {task.strategy} {task.spec.workload}",
            context=Context(),
            kind=SpanKind.INTERNAL,
            links=links,
            attributes=attributes,
            start_time=_ns(task.queued_at),
        )
        if task.started_at is not None:
            span.add_event("task.started", timestamp=_ns(task.started_at))
        if task.status in ("failed", "rejected"):
            span.set_status(Status(StatusCode.ERROR, task.error or task.status))
        span.end(end_time=_ns(task.finished_at or task.queued_at))
        return trace.use_span(span, end_on_exit=False)
