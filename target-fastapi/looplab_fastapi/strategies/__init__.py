"""The background strategies this runtime implements, one module each, by contract name."""

from __future__ import annotations

from collections.abc import Callable

from ..config import AppConfig
from ..contract import Contract
from .base import Executor, TaskLifecycle
from .blocking import BlockingExecutor
from .def_task import DefTaskExecutor
from .processpool import ProcessPoolStrategy
from .threadpool import ThreadPoolStrategy


def create_executors(
    config: AppConfig, contract: Contract, lifecycle: TaskLifecycle
) -> list[Executor]:
    factories: dict[str, Callable[[], Executor]] = {
        "blocking": lambda: BlockingExecutor(config.blocking_queue_limit, lifecycle),
        "def-task": lambda: DefTaskExecutor(config.blocking_queue_limit, lifecycle),
        "threadpool": lambda: ThreadPoolStrategy(
            config.pool_size, config.pool_queue_limit, lifecycle
        ),
        "processpool": lambda: ProcessPoolStrategy(
            config.pool_size, config.pool_queue_limit, lifecycle
        ),
    }
    background = [s.name for s in contract.own_strategies if s.method == "POST"]
    missing = [name for name in background if name not in factories]
    if missing:
        raise RuntimeError(f"contract lists fastapi strategies with no implementation: {missing}")
    return [factories[name]() for name in background]
