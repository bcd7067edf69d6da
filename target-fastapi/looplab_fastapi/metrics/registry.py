"""One registry for the app, rendered as Prometheus text, or OpenMetrics (with exemplars) on request."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, ProcessCollector, disable_created_metrics
from prometheus_client import exposition as prometheus_text
from prometheus_client.openmetrics import exposition as openmetrics_text

PROMETHEUS_CONTENT_TYPE = prometheus_text.CONTENT_TYPE_LATEST
OPENMETRICS_CONTENT_TYPE = openmetrics_text.CONTENT_TYPE_LATEST


def create_registry() -> CollectorRegistry:
    # No *_created series: the Node app has none, and the contract lists none.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    registry = CollectorRegistry()
    # process_cpu_seconds_total, process_resident_memory_bytes, ... (contract: external metrics).
    ProcessCollector(registry=registry)
    return registry


def wants_openmetrics(accept: str | None) -> bool:
    return accept is not None and "application/openmetrics-text" in accept


def render(registry: CollectorRegistry, openmetrics: bool) -> tuple[bytes, str]:
    if openmetrics:
        body: bytes = openmetrics_text.generate_latest(registry)  # type: ignore[no-untyped-call]
        return body, OPENMETRICS_CONTENT_TYPE
    return prometheus_text.generate_latest(registry), PROMETHEUS_CONTENT_TYPE
