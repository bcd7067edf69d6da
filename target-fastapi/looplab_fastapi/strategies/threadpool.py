"""`threadpool`: the article's cure, loop.run_in_executor on a ThreadPoolExecutor of
LOOPLAB_POOL_SIZE threads, answered 202 before the work finishes. Same GIL story as def-task:
it frees the loop for work that releases the GIL (sleep, hash), not for pure-Python CPU work."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..placement import keep_off_loop
from ..tasks.task import Task
from .base import Completion, TaskLifecycle, run_to_completion


class ThreadPoolStrategy:
    strategy = "threadpool"
    faults: tuple[str, ...] = ("throw",)

    def __init__(self, size: int, queue_limit: int, lifecycle: TaskLifecycle) -> None:
        self.size = size
        self.queue_limit = queue_limit
        self.lifecycle = lifecycle
        self.pool = ThreadPoolExecutor(
            max_workers=size, thread_name_prefix="looplab-threadpool", initializer=keep_off_loop
        )
        self._accepted = 0
        self._running = 0
        self._abandoned = False
        self._futures: set[asyncio.Future[Completion | None]] = set()

    def has_capacity(self) -> bool:
        return self.queue_depth() < self.queue_limit

    def queue_depth(self) -> int:
        return self._accepted - self._running

    def in_flight(self) -> int:
        return self._running

    async def start(self) -> None:
        """Creates every thread now: each waits at a barrier until all of them exist."""
        barrier = threading.Barrier(self.size)
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self.pool, barrier.wait, 10) for _ in range(self.size))
        )

    def submit(self, task: Task, background: BackgroundTasks) -> None:
        loop = asyncio.get_running_loop()
        self._accepted += 1
        future = loop.run_in_executor(self.pool, self._run, loop, task)
        self._futures.add(future)
        future.add_done_callback(lambda done: self._settle(task, done))

    def _run(self, loop: asyncio.AbstractEventLoop, task: Task) -> Completion | None:
        if self._abandoned:
            return None
        started_at = precise_now()
        loop.call_soon_threadsafe(self._started, task, started_at)
        return run_to_completion(task, started_at)

    def _started(self, task: Task, started_at: float) -> None:
        self._running += 1
        self.lifecycle.started(task, started_at)

    def _settle(self, task: Task, done: asyncio.Future[Completion | None] | Future[object]) -> None:
        self._futures.discard(done)
        self._accepted -= 1
        completion = None if done.cancelled() else done.result()
        if isinstance(completion, Completion):
            self._running -= 1
            self.lifecycle.finished(task, completion)

    def abandon_queued(self) -> None:
        self._abandoned = True

    async def close(self) -> None:
        self._abandoned = True
        self.pool.shutdown(wait=False, cancel_futures=True)
