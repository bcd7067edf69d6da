"""SIGTERM: readiness off, listener closed, accepted tasks drained up to the timeout, the outcome
logged with accepted = done + failed + abandoned, exit 0."""

from __future__ import annotations

import time

from .app_process import AppProcess
from .metrics_text import sample


def test_sigterm_drains_every_accepted_task_then_exits_0() -> None:
    app = AppProcess({"LOOPLAB_POOL_SIZE": "1"})
    accepted = [
        app.client.post(f"/background/{strategy}", json={"workload": "sleep", "ms": 300}).json()[
            "id"
        ]
        for strategy in ("def-task", "threadpool", "processpool")
    ]
    assert len(accepted) == 3
    assert app.stop() == 0
    summary = app.log("drain complete")
    assert summary, app.raw_lines[-10:]
    assert summary[0]["pending_at_start"] == 3
    assert summary[0]["finished"] == 3 and summary[0]["abandoned"] == 0
    assert app.log("shutting down: no longer accepting connections")[0]["pending_tasks"] == 3
    assert len([line for line in app.log("task done") if line.get("task_id") in accepted]) == 3


def test_a_drain_that_times_out_counts_the_rest_as_abandoned() -> None:
    app = AppProcess({"LOOPLAB_POOL_SIZE": "1", "LOOPLAB_DRAIN_TIMEOUT_MS": "500"})
    ids = [
        app.client.post("/background/threadpool", json={"workload": "sleep", "ms": 400}).json()[
            "id"
        ]
        for _ in range(4)
    ]
    time.sleep(0.1)
    assert app.stop() == 0
    summary = app.log("drain timed out")
    assert summary, app.raw_lines[-10:]
    done = [line for line in app.log("task done") if line.get("task_id") in ids]
    abandoned = [line for line in app.log("task abandoned") if line.get("task_id") in ids]
    # accepted = done + failed + abandoned
    assert summary[0]["pending_at_start"] == 4
    assert len(done) + len(abandoned) == 4
    assert summary[0]["abandoned"] == len(abandoned) >= 1
    assert summary[0]["finished"] == len(done) >= 1


def test_readiness_turns_503_during_the_grace_period_while_still_serving() -> None:
    app = AppProcess({"LOOPLAB_SHUTDOWN_GRACE_MS": "1500"})
    assert app.client.get("/readyz").status_code == 200
    app.process.send_signal(15)
    deadline = time.monotonic() + 1
    status = 200
    while status == 200 and time.monotonic() < deadline:
        response = app.client.get("/readyz")
        status = response.status_code
    assert status == 503
    assert response.json()["status"] == "draining"
    assert app.client.get("/ping").status_code == 200
    metrics = app.client.get("/metrics").text
    assert sample(metrics, "looplab_tasks_total") is None
    # One signal is enough; a second one would mean "exit now" (code 1).
    assert app.process.wait(30) == 0
    assert app.stop() == 0
    assert app.log("drain complete")


def test_a_second_signal_exits_at_once_with_1() -> None:
    app = AppProcess({})
    app.client.post("/background/blocking", json={"workload": "sleep", "ms": 3000})
    time.sleep(0.2)
    started = time.monotonic()
    app.process.send_signal(15)
    time.sleep(0.2)
    app.process.send_signal(15)
    # Python runs signal handlers between bytecodes, even during the blocking task's time.sleep.
    assert app.process.wait(10) == 1
    assert time.monotonic() - started < 2
    app.stop()
