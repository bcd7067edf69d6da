"""The workloads do what their name and size say, on the calling thread."""

from __future__ import annotations

import threading
import time

import pytest

from looplab_fastapi.workloads import (
    InjectedFaultError,
    WorkloadSpec,
    cpu_iteration,
    run_task_workload,
    run_workload,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("workload", ["cpu", "sleep", "hash"])
def test_an_ms_budget_takes_about_that_long(workload: str) -> None:
    result = run_workload(WorkloadSpec(workload, ms=60))
    assert result["workload"] == workload
    assert 60 <= result["elapsedMs"] < 60 + 250
    assert result["iterations"] >= 1


@pytest.mark.parametrize("workload", ["cpu", "sleep", "hash"])
def test_iterations_are_a_fixed_amount_of_work(workload: str) -> None:
    first = run_workload(WorkloadSpec(workload, iterations=5))
    second = run_workload(WorkloadSpec(workload, iterations=5))
    assert first["iterations"] == 5
    assert first["checksum"] == second["checksum"]


def test_sleep_checksum_is_the_milliseconds_slept() -> None:
    assert run_workload(WorkloadSpec("sleep", ms=10))["checksum"] == 10
    assert run_workload(WorkloadSpec("sleep", iterations=3))["checksum"] == 3


def test_cpu_iteration_is_a_32_bit_xorshift() -> None:
    value = cpu_iteration(1)
    assert 0 < value < 2**32
    assert value != cpu_iteration(2)


def test_an_injected_throw_fails_before_any_work() -> None:
    with pytest.raises(InjectedFaultError, match="injected fault: the workload threw"):
        run_task_workload(WorkloadSpec("sleep", ms=5000), "throw")


def _progress_of_a_counter_thread_during(spec: WorkloadSpec) -> int:
    """How many times another Python thread got to run while `spec` ran on this thread."""
    stop = threading.Event()
    ticks = [0]

    def count() -> None:
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    run_workload(spec)
    stop.set()
    counter.join()
    return ticks[0]


def test_sleep_and_hash_release_the_gil_and_cpu_holds_it() -> None:
    # A thread that wants the GIL every 1 ms gets it ~once per 5 ms switch interval while
    # pure-Python CPU work runs, and almost every time while sleep or OpenSSL's PBKDF2 run.
    cpu = _progress_of_a_counter_thread_during(WorkloadSpec("cpu", ms=300))
    sleep = _progress_of_a_counter_thread_during(WorkloadSpec("sleep", ms=300))
    hashing = _progress_of_a_counter_thread_during(WorkloadSpec("hash", ms=300))
    assert sleep > 1.3 * cpu
    assert hashing > 1.3 * cpu


def test_the_injected_fault_survives_pickling() -> None:
    # The process pool sends it back to the parent; an unpicklable error would break the pool.
    import pickle

    error = pickle.loads(pickle.dumps(InjectedFaultError()))
    assert str(error) == "injected fault: the workload threw"


def test_keep_off_loop_restores_the_start_up_cpus_in_a_worker_thread() -> None:
    import os

    from looplab_fastapi.placement import STARTUP_CPUS, keep_off_loop

    if len(STARTUP_CPUS) < 2:
        pytest.skip("needs two CPUs")
    seen: list[frozenset[int]] = []

    def worker() -> None:
        keep_off_loop()
        seen.append(frozenset(os.sched_getaffinity(0)))

    os.sched_setaffinity(0, {min(STARTUP_CPUS)})  # as the runner pins the loop thread
    try:
        thread = threading.Thread(target=worker)  # inherits the one CPU
        thread.start()
        thread.join()
    finally:
        os.sched_setaffinity(0, STARTUP_CPUS)
    assert seen == [STARTUP_CPUS]
