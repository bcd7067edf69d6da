"""What runs inside a process-pool child. A module of its own with light imports: each spawned
child imports it (and the workloads), not FastAPI or OpenTelemetry."""

from __future__ import annotations

import os
from multiprocessing.queues import SimpleQueue

from .clock import precise_now
from .workloads import WorkloadResult, WorkloadSpec, run_task_workload

CRASH_EXIT_CODE = 70
_started_queue: SimpleQueue[tuple[str, float] | None] | None = None


def init_child(queue: SimpleQueue[tuple[str, float] | None], cpus: frozenset[int]) -> None:
    global _started_queue  # noqa: PLW0603 - per-process state set once by the pool initializer
    _started_queue = queue
    # A replacement pool is spawned by the (possibly pinned) loop thread: see placement.py.
    if frozenset(os.sched_getaffinity(0)) != cpus:
        os.sched_setaffinity(0, cpus)


def warm_up() -> int:
    return os.getpid()


def run_in_child(
    task_id: str, spec: WorkloadSpec, fault: str | None
) -> tuple[float, float, WorkloadResult]:
    """Announces the start to the parent, then runs the workload."""
    started_at = precise_now()
    if _started_queue is not None:
        _started_queue.put((task_id, started_at))
    if fault == "crash":
        os._exit(CRASH_EXIT_CODE)
    result = run_task_workload(spec, fault)
    return started_at, precise_now(), result
