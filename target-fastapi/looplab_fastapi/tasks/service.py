"""Accepts background tasks, hands them to their strategy's executor, records what happens."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..metrics.task_metrics import TaskMetrics
from ..strategies.base import Completion, Executor
from ..telemetry.task_tracing import TaskTracing, current_origin
from ..validation import TaskRequest
from .registry import TaskRegistry
from .task import Task

logger = logging.getLogger("looplab_fastapi")

RejectionReason = Literal["queue_full", "shutting_down"]


@dataclass(frozen=True)
class SubmitResult:
    task: Task
    rejected: RejectionReason | None = None


@dataclass(frozen=True)
class DrainSummary:
    pending_at_start: int
    finished: int
    abandoned: int
    timed_out: bool
    elapsed_ms: float


class TaskService:
    def __init__(
        self,
        registry: TaskRegistry,
        metrics: TaskMetrics,
        tracing: TaskTracing,
        create_executors: Callable[[TaskService], Iterable[Executor]],
    ) -> None:
        self.registry = registry
        self.metrics = metrics
        self.tracing = tracing
        self._pending_ids: dict[str, Task] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._accepting = True
        self.executors: dict[str, Executor] = {e.strategy: e for e in create_executors(self)}
        metrics.watch(list(self.executors.values()))

    @property
    def is_accepting(self) -> bool:
        return self._accepting

    @property
    def pending_count(self) -> int:
        return len(self._pending_ids)

    def find(self, task_id: str) -> Task | None:
        return self.registry.get(task_id)

    def executor(self, strategy: str) -> Executor:
        return self.executors[strategy]

    def submit(
        self, strategy: str, request: TaskRequest, background: BackgroundTasks
    ) -> SubmitResult:
        executor = self.executors[strategy]
        task = Task(
            id=str(uuid.uuid4()),
            strategy=strategy,
            spec=request.spec,
            fault=request.fault,
            queued_at=precise_now(),
            origin=current_origin(),
        )
        self.registry.add(task)
        reason: RejectionReason | None = None
        if not self._accepting:
            reason = "shutting_down"
        elif not executor.has_capacity():
            reason = "queue_full"
        if reason:
            self._complete(task, "rejected", Completion(finished_at=task.queued_at, error=reason))
            return SubmitResult(task, reason)
        self._pending_ids[task.id] = task
        self._idle.clear()
        executor.submit(task, background)
        return SubmitResult(task)

    # TaskLifecycle, called by the executors on the loop thread.
    def started(self, task: Task, started_at: float) -> None:
        if task.status != "queued":
            return
        task.status = "running"
        task.started_at = started_at

    def finished(self, task: Task, completion: Completion) -> None:
        if self._pending_ids.pop(task.id, None) is None:
            return  # already counted (abandoned at the drain deadline)
        if completion.started_at is not None:
            task.started_at = completion.started_at
        if completion.result is not None:
            task.result = completion.result
            self._complete(task, "done", completion)
        else:
            self._complete(task, "failed", completion)
        if not self._pending_ids:
            self._idle.set()

    async def drain(self, timeout_ms: int) -> DrainSummary:
        """Stops accepting, waits for accepted tasks up to the timeout, then gives up on the rest."""
        self._accepting = False
        started = time.monotonic()
        pending_at_start = len(self._pending_ids)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_ms / 1000)
            timed_out = False
        except TimeoutError:
            timed_out = True
        abandoned = 0
        if timed_out:
            for executor in self.executors.values():
                executor.abandon_queued()
            for task in list(self._pending_ids.values()):
                self._pending_ids.pop(task.id)
                self._abandon(task)
                abandoned += 1
            self._idle.set()
        return DrainSummary(
            pending_at_start=pending_at_start,
            finished=pending_at_start - abandoned,
            abandoned=abandoned,
            timed_out=timed_out,
            elapsed_ms=(time.monotonic() - started) * 1000,
        )

    async def close(self) -> None:
        await asyncio.gather(*(executor.close() for executor in self.executors.values()))

    def _abandon(self, task: Task) -> None:
        self.metrics.count_outcome(task.strategy, task.spec.workload, "abandoned")
        logger.warning(
            "task abandoned",
            extra={"task_id": task.id, "strategy": task.strategy, "workload": task.spec.workload},
        )

    def _complete(
        self, task: Task, status: Literal["done", "failed", "rejected"], completion: Completion
    ) -> None:
        task.status = status
        task.finished_at = completion.finished_at
        task.error = completion.error
        workload = task.spec.workload
        self.metrics.count_outcome(task.strategy, workload, status)
        if task.wait_ms is not None:
            self.metrics.observe_wait(task.strategy, workload, task.wait_ms)
        if task.run_ms is not None:
            self.metrics.observe_run(task.strategy, workload, task.run_ms)
        with self.tracing.record(task):
            fields = {
                "task_id": task.id,
                "strategy": task.strategy,
                "workload": workload,
                "wait_ms": task.wait_ms,
                "run_ms": task.run_ms,
                "error": task.error,
            }
            if status == "failed":
                logger.warning("task failed", extra=fields)
            else:
                logger.debug(f"task {status}", extra=fields)
