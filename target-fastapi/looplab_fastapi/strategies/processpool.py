"""`processpool`: loop.run_in_executor on a ProcessPoolExecutor of LOOPLAB_POOL_SIZE processes
(spawned, not forked: the parent has threads). The work runs outside this interpreter, so even
pure-Python CPU work leaves the loop and its GIL alone; the price is pickling the arguments and
the result, and the memory of each process. A child that dies (fault `crash`) breaks the whole
executor: every task queued or running in it fails, and the executor is replaced."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.queues import SimpleQueue
from typing import Any

from fastapi import BackgroundTasks

from ..clock import precise_now
from ..placement import STARTUP_CPUS
from ..pool_child import init_child, run_in_child, warm_up
from ..tasks.task import Task
from ..workloads import WorkloadResult
from .base import Completion, TaskLifecycle, describe_error


class ProcessPoolStrategy:
    strategy = "processpool"
    faults: tuple[str, ...] = ("throw", "crash")

    def __init__(self, size: int, queue_limit: int, lifecycle: TaskLifecycle) -> None:
        self.size = size
        self.queue_limit = queue_limit
        self.lifecycle = lifecycle
        self._context = multiprocessing.get_context("spawn")
        self._started_queue: SimpleQueue[tuple[str, float] | None] = self._context.SimpleQueue()
        self.pool = self._new_pool()
        self._tasks: dict[str, Task] = {}
        self._running: set[str] = set()
        self._futures: dict[str, asyncio.Future[tuple[float, float, WorkloadResult]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader = threading.Thread(
            target=self._read_starts, name="looplab-processpool-starts", daemon=True
        )
        self._reader.start()
        self.replacements = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=self._context,
            initializer=init_child,
            initargs=(self._started_queue, STARTUP_CPUS),
        )

    async def start(self) -> None:
        """Starts every process now, so the first tasks do not pay for spawning them."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        await asyncio.gather(*(loop.run_in_executor(self.pool, warm_up) for _ in range(self.size)))

    def has_capacity(self) -> bool:
        return self.queue_depth() < self.queue_limit

    def queue_depth(self) -> int:
        return len(self._tasks) - len(self._running)

    def in_flight(self) -> int:
        return len(self._running)

    def submit(self, task: Task, background: BackgroundTasks) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._tasks[task.id] = task
        pool = self.pool
        future = loop.run_in_executor(pool, run_in_child, task.id, task.spec, task.fault)
        self._futures[task.id] = future
        future.add_done_callback(lambda done: self._settle(task, pool, done))

    def _read_starts(self) -> None:
        while (message := self._started_queue.get()) is not None:
            task_id, started_at = message
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._started, task_id, started_at)

    def _started(self, task_id: str, started_at: float) -> None:
        task = self._tasks.get(task_id)
        if task is None or task_id in self._running:
            return
        self._running.add(task_id)
        self.lifecycle.started(task, started_at)

    def _settle(self, task: Task, pool: ProcessPoolExecutor, done: asyncio.Future[Any]) -> None:
        self._futures.pop(task.id, None)
        if self._tasks.pop(task.id, None) is None:
            return
        self._running.discard(task.id)
        if done.cancelled():
            return
        error = done.exception()
        if error is None:
            started_at, finished_at, result = done.result()
            self.lifecycle.finished(task, Completion(finished_at, started_at, result=result))
            return
        if isinstance(error, BrokenProcessPool):
            self._replace(pool)
            message = f"pool process died ({describe_error(error)})"
        else:
            message = describe_error(error)
        self.lifecycle.finished(task, Completion(precise_now(), task.started_at, error=message))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if broken is not self.pool:
            return
        self.replacements += 1
        self.pool = self._new_pool()
        broken.shutdown(wait=False, cancel_futures=True)

    def abandon_queued(self) -> None:
        for task_id, future in list(self._futures.items()):
            if task_id not in self._running:
                future.cancel()

    async def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self._started_queue.put(None)
