"""`blocking`: the article's trap. A BackgroundTasks task written as `async def` that calls the
synchronous workload. Starlette awaits it on the event loop right after the response has been
sent, so while it runs no other request, timer or scrape on this worker gets a turn."""

from __future__ import annotations

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..tasks.task import Task
from .base import TaskLifecycle, run_to_completion


class BlockingExecutor:
    strategy = "blocking"
    faults: tuple[str, ...] = ("throw",)

    def __init__(self, limit: int, lifecycle: TaskLifecycle) -> None:
        self.limit = limit
        self.lifecycle = lifecycle
        self._accepted = 0
        self._running = 0
        self._abandoned = False

    def has_capacity(self) -> bool:
        return self._accepted < self.limit

    def queue_depth(self) -> int:
        return self._accepted - self._running

    def in_flight(self) -> int:
        return self._running

    async def start(self) -> None:
        return None

    def submit(self, task: Task, background: BackgroundTasks) -> None:
        self._accepted += 1
        background.add_task(self.run, task)

    async def run(self, task: Task) -> None:
        """What the article's code does: `async def` around blocking work, never awaiting."""
        try:
            if self._abandoned:
                return
            self._running += 1
            started_at = precise_now()
            self.lifecycle.started(task, started_at)
            try:
                completion = run_to_completion(task, started_at)
            finally:
                self._running -= 1
            self.lifecycle.finished(task, completion)
        finally:
            self._accepted -= 1

    def abandon_queued(self) -> None:
        self._abandoned = True

    async def close(self) -> None:
        self._abandoned = True
