"""A background task, and its public view (GET /tasks/{id}), field for field as the Node app's."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from opentelemetry.trace import SpanContext

from ..workloads import WorkloadResult, WorkloadSpec

TaskStatus = Literal["queued", "running", "done", "failed", "rejected"]


def precise_now() -> float:
    """Epoch milliseconds, fractional; comparable across processes (the process pool's children)."""
    return time.time_ns() / 1e6


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


def iso(epoch_ms: float | None) -> str | None:
    """JavaScript's Date.toISOString(): UTC, milliseconds, Z."""
    if epoch_ms is None:
        return None
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
