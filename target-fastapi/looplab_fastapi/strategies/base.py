"""What every background strategy implements, and how it reports back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..tasks.task import Task
from ..workloads import WorkloadResult, run_task_workload


@dataclass(frozen=True)
class Completion:
    """How a task ended: a result, or an error. Times are epoch ms (tasks.task.precise_now)."""

    finished_at: float
    started_at: float | None = None
    result: WorkloadResult | None = None
    error: str | None = None


class TaskLifecycle(Protocol):
    """Called on the event-loop thread only."""

    def started(self, task: Task, started_at: float) -> None: ...

    def finished(self, task: Task, completion: Completion) -> None: ...


class Executor(Protocol):
    strategy: str
    #: The `fault` values this strategy can survive (`crash` only where a worker can die alone).
    faults: tuple[str, ...]

    def has_capacity(self) -> bool:
        """False when the bounded queue is full: the caller answers 503."""

    def queue_depth(self) -> int: ...

    def in_flight(self) -> int: ...

    async def start(self) -> None:
        """Creates the workers before the app reports ready (placement.py says why)."""

    def submit(self, task: Task, background: BackgroundTasks) -> None: ...

    def abandon_queued(self) -> None:
        """Stop starting queued tasks (the drain deadline passed)."""

    async def close(self) -> None: ...


def describe_error(error: BaseException) -> str:
    return str(error) or type(error).__name__


def run_to_completion(task: Task, started_at: float) -> Completion:
    """Runs the task's workload on this thread: its result, or the error it raised."""
    try:
        result = run_task_workload(task.spec, task.fault)
        return Completion(precise_now(), started_at, result=result)
    except Exception as error:
        return Completion(precise_now(), started_at, error=describe_error(error))
