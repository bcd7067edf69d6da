"""A background task, and its public view (GET /tasks/{id}), field for field as the Node app's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from opentelemetry.trace import SpanContext

from ..clock import iso
from ..workloads import WorkloadResult, WorkloadSpec

TaskStatus = Literal["queued", "running", "done", "failed", "rejected"]


@dataclass
class Task:
    id: str
    strategy: str
    spec: WorkloadSpec
    queued_at: float
    fault: str | None = None
    status: TaskStatus = "queued"
    started_at: float | None = None
    finished_at: float | None = None
    result: WorkloadResult | None = None
    error: str | None = None
    origin: SpanContext | None = field(default=None, repr=False)

    @property
    def wait_ms(self) -> float | None:
        return None if self.started_at is None else self.started_at - self.queued_at

    @property
    def run_ms(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def is_finished(self) -> bool:
        return self.status not in ("queued", "running")


def _round(ms: float | None) -> float | None:
    return None if ms is None else round(ms, 3)


def task_view(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "strategy": task.strategy,
        "workload": task.spec.as_json(),
        "status": task.status,
        "queued_at": iso(task.queued_at),
        "started_at": iso(task.started_at),
        "finished_at": iso(task.finished_at),
        "wait_ms": _round(task.wait_ms),
        "run_ms": _round(task.run_ms),
        "result": task.result,
        "error": task.error,
    }
