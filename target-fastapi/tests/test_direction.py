"""What each strategy does to the other requests, with real load on the real app.

A probe (GET /ping) is sent every 10 ms while one background job runs. Directions with margins
that hold on a noisy 2-core box (measured values are in docs/fastapi.md):
- blocking: the probe waits about the job length (the loop is stalled);
- def-task and threadpool keep it low for sleep (time.sleep releases the GIL);
- for cpu, processpool stays near the idle baseline and clearly below threadpool, whose
  pure-Python loop holds the GIL the event loop needs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from .app_process import AppProcess

JOB_MS = 600


@pytest.fixture(scope="module")
def lab() -> Iterator[AppProcess]:
    process = AppProcess({"LOOPLAB_POOL_SIZE": "1", "LOG_LEVEL": "info"})
    yield process
    assert process.stop() == 0


def probe_latencies_ms(app: AppProcess, strategy: str | None, workload: str) -> list[float]:
    with httpx.Client(base_url=app.url, timeout=30) as client:
        client.get("/ping")
        task_id = None
        if strategy:
            response = client.post(
                f"/background/{strategy}", json={"workload": workload, "ms": JOB_MS}
            )
            assert response.status_code == 202, response.text
            task_id = response.json()["id"]
        latencies: list[float] = []
        end = time.perf_counter() + JOB_MS / 1000
        while time.perf_counter() < end:
            sent = time.perf_counter()
            client.get("/ping")
            latencies.append((time.perf_counter() - sent) * 1000)
            time.sleep(0.01)
        if task_id:
            assert app.wait_for_task(task_id)["status"] == "done"
    return latencies


def p50(values: list[float]) -> float:
    return statistics.median(values)


def test_blocking_makes_the_probe_wait_about_the_job_length(lab: AppProcess) -> None:
    for workload in ("sleep", "cpu"):
        latencies = probe_latencies_ms(lab, "blocking", workload)
        assert max(latencies) >= 0.6 * JOB_MS, (workload, latencies)


@pytest.mark.parametrize("strategy", ["def-task", "threadpool", "processpool"])
def test_pools_keep_the_probe_low_for_sleep(lab: AppProcess, strategy: str) -> None:
    # Best of three rounds: a neighbour's CPU burst can stall any process, pooled or not.
    rounds = []
    for _ in range(3):
        latencies = probe_latencies_ms(lab, strategy, "sleep")
        rounds.append((round(p50(latencies), 1), round(max(latencies), 1), len(latencies)))
        if len(latencies) >= 15 and p50(latencies) < 50 and max(latencies) < 0.5 * JOB_MS:
            return
    pytest.fail(f"{strategy} did not keep the probe low for sleep (p50, max, n): {rounds}")


def test_for_cpu_only_the_process_pool_stays_near_baseline(lab: AppProcess) -> None:
    # The box is shared: a busy neighbour can slow the pool's child process as much as the GIL
    # slows the threads. The direction must show in one of three rounds (measured: 3 of 3
    # rounds on an idle box, 5 of 6 at a load average of 13 on 2 cores).
    rounds = []
    for _ in range(3):
        baseline = p50(probe_latencies_ms(lab, None, "cpu"))
        threads = p50(probe_latencies_ms(lab, "threadpool", "cpu"))
        processes = p50(probe_latencies_ms(lab, "processpool", "cpu"))
        rounds.append({"baseline": baseline, "threadpool": threads, "processpool": processes})
        if processes < baseline + 10 and threads > 1.5 * processes and threads > processes + 3:
            return
    pytest.fail(f"processpool was not clearly below threadpool for cpu in any round: {rounds}")
