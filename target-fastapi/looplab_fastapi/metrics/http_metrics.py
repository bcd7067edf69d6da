"""Server-side request duration, as a pure ASGI middleware (BaseHTTPMiddleware would change how
background tasks run). It starts when the loop picks the request up, so it misses the time spent
in the socket backlog while the loop was blocked: the client-side latency is the ground truth."""

from __future__ import annotations

import time
from typing import Any

from opentelemetry import trace
from prometheus_client import CollectorRegistry, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..contract import Contract


def route_label(scope: Scope) -> str:
    """The route template as mounted, in the Node app's spelling (/tasks/:id); unmatched for 404s."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    return path.replace("{", ":").replace("}", "")


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry, contract: Contract) -> None:
        spec = contract.metric("httpServerDuration")
        self.histogram = Histogram(
            spec.name, spec.help, list(spec.labels), registry=registry, buckets=spec.buckets or ()
        )
        self.strategy_by_route = {s.route: s.name for s in contract.own_strategies}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_label(scope)
        labels = {
            "route": route,
            "method": scope["method"],
            "status_code": str(status),
            "strategy": self.strategy_by_route.get(route, "none"),
        }
        context = trace.get_current_span().get_span_context()
        exemplar = (
            {
                "trace_id": format(context.trace_id, "032x"),
                "span_id": format(context.span_id, "016x"),
            }
            if context.is_valid and context.trace_flags.sampled
            else None  # an exemplar pointing at a trace nobody stored would be a dead link
        )
        self.histogram.labels(**labels).observe(seconds, exemplar=exemplar)


class HttpMetricsMiddleware:
    """Observes when the last body chunk has been sent (before any background task runs)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500, "observed": False}

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                state["observed"] = True
                self.metrics.observe(scope, state["status"], time.perf_counter() - started)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            if not state["observed"]:
                self.metrics.observe(scope, state["status"], time.perf_counter() - started)
