"""The Node app's HTTP contract, against the real app over real HTTP (uvicorn on an ephemeral port)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from looplab_fastapi.contract import Contract

from .app_process import AppProcess
from .metrics_text import families, sample

BACKGROUND = ["blocking", "def-task", "threadpool", "processpool"]


def test_ping(app: AppProcess) -> None:
    response = app.client.get("/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_async_waits_and_reports_timings(app: AppProcess) -> None:
    body = app.client.get("/async", params={"ms": 40}).json()
    assert body["strategy"] == "async"
    assert body["ms"] == 40
    assert 39 <= body["elapsed_ms"] < 1000
    assert body["finished_at"] >= body["started_at"]
    assert app.client.get("/async").json()["ms"] == 0


@pytest.mark.parametrize("strategy", BACKGROUND)
@pytest.mark.parametrize(
    "body",
    [
        {"workload": "cpu", "ms": 30},
        {"workload": "sleep", "ms": 30},
        {"workload": "hash", "iterations": 3},
    ],
)
def test_background_202_then_done(app: AppProcess, strategy: str, body: dict[str, Any]) -> None:
    response = app.client.post(f"/background/{strategy}", json=body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["strategy"] == strategy
    assert len(accepted["id"]) == 36
    assert accepted["status_url"] == f"/tasks/{accepted['id']}"
    task = app.wait_for_task(accepted["id"])
    assert task["status"] == "done", task
    assert task["strategy"] == strategy
    assert task["workload"] == body
    assert task["wait_ms"] >= 0
    if "ms" in body:
        assert task["run_ms"] >= body["ms"] - 1
    assert task["result"]["workload"] == body["workload"]
    assert task["queued_at"] <= task["started_at"] <= task["finished_at"]
    assert task["error"] is None


def test_the_blocking_task_runs_after_its_202(app: AppProcess) -> None:
    response = app.client.post("/background/blocking", json={"workload": "sleep", "ms": 400})
    assert response.elapsed.total_seconds() < 0.3
    assert app.wait_for_task(response.json()["id"])["run_ms"] >= 399


TOO_LARGE = json.dumps({"workload": "cpu", "ms": 5, "padding": "x" * (17 * 1024)})
BAD_BODIES: list[tuple[str, str, int, str, str, str]] = [
    # name, raw body, status, field, rule fragment, content type
    (
        "unknown workload",
        '{"workload":"mine","ms":5}',
        400,
        "workload",
        "one of: cpu, sleep, hash",
        "application/json",
    ),
    (
        "neither ms nor iterations",
        '{"workload":"cpu"}',
        400,
        "ms",
        "exactly one of ms or iterations",
        "application/json",
    ),
    (
        "too-large ms",
        '{"workload":"sleep","ms":10001}',
        400,
        "ms",
        "between 0 and 10000",
        "application/json",
    ),
    (
        "ms as a string",
        '{"workload":"cpu","ms":"5"}',
        400,
        "ms",
        "must be a number",
        "application/json",
    ),
    (
        "unknown field",
        '{"workload":"cpu","ms":5,"priority":"high"}',
        400,
        "body",
        "unknown field(s): priority",
        "application/json",
    ),
    ("a JSON array", '[{"workload":"cpu","ms":5}]', 400, "body", "JSON object", "application/json"),
    ("JSON null", "null", 400, "body", "JSON object", "application/json"),
    (
        "malformed JSON",
        '{"workload":"cpu",',
        400,
        "body",
        "valid, non-empty JSON",
        "application/json",
    ),
    ("an empty body", "", 400, "body", "valid, non-empty JSON", "application/json"),
    ("a body over 16 KiB", TOO_LARGE, 413, "body", "at most 16384 bytes", "application/json"),
    ("a text/plain body", "cpu 5", 415, "content-type", "application/json", "text/plain"),
    ("an XML body", "<task/>", 415, "content-type", "application/json", "application/xml"),
    (
        "a form body",
        "workload=cpu&ms=5",
        400,
        "ms",
        "must be a number",
        "application/x-www-form-urlencoded",
    ),
    (
        "a fault while fault injection is off",
        '{"workload":"cpu","ms":5,"fault":"throw"}',
        400,
        "fault",
        "fault injection is disabled",
        "application/json",
    ),
]


@pytest.mark.parametrize("strategy", BACKGROUND)
@pytest.mark.parametrize(("name", "raw", "status", "field", "rule", "content_type"), BAD_BODIES)
def test_bad_bodies_get_the_node_error_body(  # noqa: PLR0917 - one parameter per table column
    app: AppProcess,
    strategy: str,
    name: str,
    raw: str,
    status: int,
    field: str,
    rule: str,
    content_type: str,
) -> None:
    response = app.client.post(
        f"/background/{strategy}", content=raw, headers={"content-type": content_type}
    )
    assert response.status_code == status, (name, response.text)
    body = response.json()
    assert body["statusCode"] == status
    assert isinstance(body["error"], str)
    assert isinstance(body["message"], str)
    assert any(i["field"] == field and rule in i["rule"] for i in body["issues"]), body


def test_no_body_and_no_content_type_is_not_an_object(app: AppProcess) -> None:
    body = app.client.post("/background/threadpool").json()
    assert body["issues"] == [{"field": "body", "rule": "body must be a JSON object"}]


@pytest.mark.parametrize(
    ("query", "rule"),
    [("ms=abc", "must be a number"), ("ms=-5", "between 0 and 10000"), ("ms=1.5", "integer")],
)
def test_bad_async_queries(app: AppProcess, query: str, rule: str) -> None:
    response = app.client.get(f"/async?{query}")
    assert response.status_code == 400
    assert response.json()["message"] == "invalid query"
    assert response.json()["issues"][0]["field"] == "ms"
    assert rule in response.json()["issues"][0]["rule"]


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


def test_health_and_readiness(app: AppProcess) -> None:
    assert app.client.get("/healthz").json() == {"status": "ok"}
    ready = app.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


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


def test_openmetrics_carries_trace_exemplars(app: AppProcess) -> None:
    app.client.get("/ping")
    text = app.client.get(
        "/metrics", headers={"accept": "application/openmetrics-text; version=1.0.0"}
    ).text
    assert text.rstrip().endswith("# EOF")
    assert any(
        line.startswith("http_server_request_duration_seconds_bucket")
        and " # {" in line
        and 'trace_id="' in line
        for line in text.splitlines()
    )
    assert "trace_id" not in app.client.get("/metrics").text


def test_task_logs_carry_the_task_span_trace_id(app: AppProcess) -> None:
    task_id = app.client.post("/background/threadpool", json={"workload": "sleep", "ms": 1}).json()[
        "id"
    ]
    app.wait_for_task(task_id)
    lines = [line for line in app.log("task done") if line.get("task_id") == task_id]
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
        statuses = []
        for _ in range(4):
            statuses.append(
                app.client.post("/background/threadpool", json={"workload": "sleep", "ms": 600})
            )
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
