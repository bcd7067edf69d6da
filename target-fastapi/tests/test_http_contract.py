"""What only the FastAPI twin does over real HTTP (uvicorn on an ephemeral port). The HTTP contract
both apps share (routes, task lifecycle, bad input, 404/405, health, exemplars) is test/contract/,
which runs against this app too."""

from __future__ import annotations

import time

import httpx

from looplab_fastapi.contract import Contract

from .app_process import AppProcess
from .metrics_text import families, sample

BACKGROUND = ["blocking", "def-task", "threadpool", "processpool"]


def test_no_body_and_no_content_type_is_not_an_object(app: AppProcess) -> None:
    body = app.client.post("/background/threadpool").json()
    assert body["issues"] == [{"field": "body", "rule": "body must be a JSON object"}]


def test_unknown_routes_and_tasks_are_json_404s(app: AppProcess) -> None:
    nope = app.client.get("/nope")
    assert nope.status_code == 404
    assert nope.json() == {"statusCode": 404, "error": "Not Found", "message": "Cannot GET /nope"}
    task = app.client.get("/tasks/00000000-0000-0000-0000-000000000000")
    assert task.status_code == 404
    assert task.json()["error"] == "Not Found"
    assert app.client.get("/tasks/not-a-uuid").status_code == 404
    assert app.client.get("/ping/").status_code == 404


def test_undeclared_methods_are_405_with_allow(app: AppProcess) -> None:
    response = app.client.delete("/ping")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json() == {
        "statusCode": 405,
        "error": "Method Not Allowed",
        "message": "DELETE is not allowed on /ping; allowed: GET, HEAD",
    }
    assert app.client.get("/background/threadpool").headers["allow"] == "POST"


def test_head_answers_every_get_route_without_a_body(app: AppProcess) -> None:
    response = app.client.head("/ping")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(b'{"ok":true}'))


def test_openapi_documents_every_strategy_route(app: AppProcess, contract: Contract) -> None:
    document = app.client.get("/docs-json").json()
    for spec in contract.own_strategies:
        operation = document["paths"][spec.route][spec.method.lower()]
        if spec.method == "POST":
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert schema["properties"]["workload"]["enum"] == list(contract.workload_names)
            assert "422" not in operation["responses"]
    assert "/metrics" not in document["paths"]
    assert app.client.get("/docs").status_code == 200


def test_metrics_match_the_contract(app: AppProcess, contract: Contract) -> None:
    app.client.post("/background/processpool", json={"workload": "cpu", "ms": 5})
    app.client.get("/ping")
    response = app.client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    exported = families(response.text)
    for spec in contract.own_metrics:
        assert spec.name.removesuffix("_total") in exported, spec.name
        assert exported[spec.name.removesuffix("_total")] == spec.type, spec.name
    known = {spec.name.removesuffix("_total") for spec in contract.metrics.values()}
    ours = {name for name in exported if name.startswith(("looplab_", "nodejs_", "http_"))}
    assert ours <= known, ours - known
    text = response.text
    assert (
        sample(text, "http_server_request_duration_seconds_count", route="/ping", strategy="none")
        or 0
    ) >= 1
    assert (
        sample(
            text,
            "http_server_request_duration_seconds_count",
            route="/background/processpool",
            strategy="processpool",
        )
        or 0
    ) >= 1
    assert (
        sample(text, "http_server_request_duration_seconds_count", route="/tasks/:id") or 0
    ) >= 1


def test_task_logs_carry_the_task_span_trace_id(app: AppProcess) -> None:
    task_id = app.client.post("/background/threadpool", json={"workload": "sleep", "ms": 1}).json()[
        "id"
    ]
    app.wait_for_task(task_id)
    lines = app.wait_for_log("task done", task_id)
    assert lines and len(lines[0]["trace_id"]) == 32, app.raw_lines[-5:]


def test_a_full_queue_is_503_with_retry_after() -> None:
    app = AppProcess(
        {
            "LOOPLAB_POOL_SIZE": "1",
            "LOOPLAB_POOL_QUEUE_LIMIT": "1",
            "LOOPLAB_RETRY_AFTER_SECONDS": "3",
        }
    )
    try:
        job = {"workload": "sleep", "ms": 2000}
        first = app.client.post("/background/threadpool", json=job)
        assert first.status_code == 202
        # The queue limit counts waiting tasks: let the pool's one thread take the first, so
        # the second waits (a busy box can be slow to start it).
        deadline = time.monotonic() + 10
        while app.client.get(first.json()["status_url"]).json()["status"] == "queued":
            assert time.monotonic() < deadline, "the first task never started"
            time.sleep(0.02)
        statuses = [first]
        for _ in range(3):
            statuses.append(app.client.post("/background/threadpool", json=job))
        rejected = [r for r in statuses if r.status_code == 503]
        assert [r.status_code for r in statuses][:2] == [202, 202]
        assert rejected, [r.status_code for r in statuses]
        body = rejected[0].json()
        assert rejected[0].headers["retry-after"] == "3"
        assert body["error"] == "Service Unavailable"
        assert "queue is full" in body["message"]
        view = app.client.get(body["status_url"]).json()
        assert view["status"] == "rejected" and view["error"] == "queue_full"
        metrics = app.client.get("/metrics").text
        assert sample(
            metrics, "looplab_tasks_total", strategy="threadpool", outcome="rejected"
        ) == len(rejected)
    finally:
        assert app.stop() == 0


def test_faults_fail_the_task_and_a_crash_replaces_the_process_pool() -> None:
    app = AppProcess({"LOOPLAB_POOL_SIZE": "1", "LOOPLAB_FAULT_INJECTION": "on"})
    try:
        for strategy in BACKGROUND:
            task_id = app.client.post(
                f"/background/{strategy}", json={"workload": "cpu", "ms": 5, "fault": "throw"}
            ).json()["id"]
            view = app.wait_for_task(task_id)
            assert (
                view["status"] == "failed" and view["error"] == "injected fault: the workload threw"
            ), view
        refused = app.client.post(
            "/background/blocking", json={"workload": "cpu", "ms": 5, "fault": "crash"}
        )
        assert refused.status_code == 400
        assert refused.json()["issues"] == [
            {
                "field": "fault",
                "rule": "crash is not supported by the blocking strategy (it would take the server down)",
            }
        ]
        crashed = app.client.post(
            "/background/processpool", json={"workload": "cpu", "ms": 5, "fault": "crash"}
        ).json()["id"]
        view = app.wait_for_task(crashed)
        assert view["status"] == "failed" and "pool process died" in view["error"], view
        after = app.client.post(
            "/background/processpool", json={"workload": "cpu", "ms": 5}
        ).json()["id"]
        assert app.wait_for_task(after)["status"] == "done"
    finally:
        assert app.stop() == 0


def test_bad_configuration_exits_78_naming_every_problem() -> None:
    import subprocess
    import sys

    from .app_process import APP_DIR

    result = subprocess.run(
        [sys.executable, "-m", "looplab_fastapi"],
        cwd=APP_DIR,
        env={
            "PORT": "abc",
            "LOOPLAB_POOL_SIZE": "0",
            "LOG_LEVEL": "loud",
            "OTEL_TRACES_SAMPLER": "sometimes",
            "PATH": "/usr/bin",
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 78
    for key in ("PORT", "LOOPLAB_POOL_SIZE", "LOG_LEVEL", "OTEL_TRACES_SAMPLER"):
        assert key in result.stderr


def test_httpx_is_a_real_client(app: AppProcess) -> None:
    # The fixture talks to a real socket, not an in-process ASGI transport.
    assert httpx.get(f"{app.url}/ping").json() == {"ok": True}
