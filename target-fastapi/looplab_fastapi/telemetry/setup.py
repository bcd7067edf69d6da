"""OpenTelemetry: spans are always recorded (trace ids in logs, exemplars, task links); they are
exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set. LOOPLAB_INSTRUMENTATION=off
starts nothing at all, to measure what the instrumentation costs."""

from __future__ import annotations

import os

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from ..config import AppConfig
from .sampler import sampler_from_env

_provider: TracerProvider | None = None


def start_telemetry(config: AppConfig) -> None:
    global _provider  # noqa: PLW0603 - one provider per process, as the SDK expects
    if not config.instrumentation or _provider is not None:
        return
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: config.service_name}),
        sampler=sampler_from_env(os.environ),
    )
    if config.otlp_endpoint:
        # Imported only when used: the exporter reads the standard OTEL_EXPORTER_OTLP_* variables.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider


def instrument(app: FastAPI, config: AppConfig) -> None:
    if config.instrumentation:
        # Scrapes (of /metrics and /looplab/stalls) are not traced; per-send spans would cost
        # more than /ping itself.
        FastAPIInstrumentor.instrument_app(
            app, excluded_urls="metrics,looplab/stalls", exclude_spans=["receive", "send"]
        )


def shutdown_telemetry() -> None:
    if _provider is not None:
        _provider.shutdown()
