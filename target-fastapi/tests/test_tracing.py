"""Task spans (own trace, linked to the enqueuing request span) and OTLP export only when asked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from looplab_fastapi.tasks.task import Task
from looplab_fastapi.telemetry.task_tracing import TaskTracing, current_origin
from looplab_fastapi.workloads import WorkloadSpec

from .app_process import AppProcess


@pytest.fixture
def recorded() -> Iterator[tuple[TaskTracing, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = TaskTracing()
    tracing.tracer = provider.get_tracer("test")
    yield tracing, exporter
    provider.shutdown()


def test_a_task_span_has_its_own_trace_and_links_to_the_request(
    recorded: tuple[TaskTracing, InMemorySpanExporter],
) -> None:
    tracing, spans = recorded
    request_tracer = TracerProvider().get_tracer("request")
    with request_tracer.start_as_current_span("POST /background/threadpool") as request_span:
        origin = current_origin()
    assert origin is not None
    task = Task(
        id="t1",
        strategy="threadpool",
        spec=WorkloadSpec("cpu", ms=5),
        queued_at=1_000.0,
        started_at=1_002.0,
        finished_at=1_010.0,
        status="failed",
        error="injected fault: the workload threw",
        origin=origin,
    )
    tracing.record(task)
    (span,) = spans.get_finished_spans()
    assert span.name == "task threadpool cpu"
    assert span.context is not None
    assert span.context.trace_id != request_span.get_span_context().trace_id
    assert span.parent is None
    assert [link.context.span_id for link in span.links] == [origin.span_id]
    assert span.links[0].attributes == {"looplab.link": "enqueued_by"}
    assert span.attributes is not None
    assert span.attributes["looplab.task.id"] == "t1"
    assert span.attributes["looplab.task.ms"] == 5
    assert span.attributes["looplab.task.wait_ms"] == 2.0
    assert span.start_time == 1_000_000_000 and span.end_time == 1_010_000_000
    assert [event.name for event in span.events] == ["task.started"]
    assert span.status.status_code == StatusCode.ERROR


def test_no_origin_outside_a_span() -> None:
    assert not trace.get_current_span().get_span_context().is_valid
    assert current_origin() is None


class _Receiver(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        _Receiver.seen.append((self.path, self.headers.get("content-type", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


def test_spans_go_over_otlp_only_when_the_endpoint_is_set() -> None:
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{receiver.server_port}"
    try:
        quiet = AppProcess({})
        quiet.client.get("/ping")
        assert quiet.stop() == 0
        assert _Receiver.seen == []
        exporting = AppProcess({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint})
        exporting.client.get("/ping")
        assert exporting.stop() == 0  # shutdown flushes the batch
        assert ("/v1/traces", "application/x-protobuf") in _Receiver.seen
    finally:
        receiver.shutdown()
