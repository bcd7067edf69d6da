"""`def-task`: a BackgroundTasks task written as a plain `def`. Starlette sees it is not a
coroutine function and runs it with run_in_threadpool (anyio.to_thread.run_sync, which shares a
default limit of 40 threads with every sync endpoint and dependency). The loop stays free while
the work waits (time.sleep, OpenSSL's PBKDF2 release the GIL); pure-Python CPU work still holds
the GIL, which the loop thread must win back every switch interval (5 ms)."""

from __future__ import annotations

import asyncio

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..placement import keep_off_loop
from ..tasks.task import Task
from .base import Completion, TaskLifecycle, run_to_completion


class DefTaskExecutor:
    strategy = "def-task"
    faults: tuple[str, ...] = ("throw",)

    def __init__(self, limit: int, lifecycle: TaskLifecycle) -> None:
        self.limit = limit
        self.lifecycle = lifecycle
        self._accepted = 0
        self._running = 0
        self._abandoned = False
        self._loop: asyncio.AbstractEventLoop | None = None

    def has_capacity(self) -> bool:
        return self._accepted < self.limit

    def queue_depth(self) -> int:
        return self._accepted - self._running

    def in_flight(self) -> int:
        return self._running

    async def start(self) -> None:
        return None

    def submit(self, task: Task, background: BackgroundTasks) -> None:
        self._loop = asyncio.get_running_loop()
        self._accepted += 1
        background.add_task(self.run, task)

    def run(self, task: Task) -> None:
        """Runs in a Starlette thread-pool thread; bookkeeping is handed back to the loop."""
        keep_off_loop()  # anyio creates its threads from the loop thread (see placement.py)
        loop = self._loop
        assert loop is not None
        if self._abandoned:
            loop.call_soon_threadsafe(self._settle, task, None)
            return
        started_at = precise_now()
        loop.call_soon_threadsafe(self._started, task, started_at)
        loop.call_soon_threadsafe(self._settle, task, run_to_completion(task, started_at))

    def _started(self, task: Task, started_at: float) -> None:
        self._running += 1
        self.lifecycle.started(task, started_at)

    def _settle(self, task: Task, completion: Completion | None) -> None:
        self._accepted -= 1
        if completion is not None:
            self._running -= 1
            self.lifecycle.finished(task, completion)

    def abandon_queued(self) -> None:
        self._abandoned = True

    async def close(self) -> None:
        self._abandoned = True
