"""Sampling: the Node app's default and names; parent-based samplers follow links."""

from __future__ import annotations

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import Link, SpanContext, TraceFlags

from looplab_fastapi.telemetry.sampler import (
    DEFAULT_SAMPLE_RATIO,
    SamplerConfigError,
    sampler_from_env,
)

pytestmark = pytest.mark.unit

HIGH_TRACE_ID = (
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF  # above every ratio's bound: never sampled by ratio
)
LOW_TRACE_ID = 0x1  # below every positive ratio's bound


def _decision(env: dict[str, str], trace_id: int, links: list[Link] | None = None) -> Decision:
    return (
        sampler_from_env(env).should_sample(Context(), trace_id, "GET /ping", links=links).decision
    )


def test_the_default_is_a_ten_percent_ratio() -> None:
    assert DEFAULT_SAMPLE_RATIO == 0.1
    assert "TraceIdRatioBased{0.1}" in sampler_from_env({}).get_description()
    assert _decision({}, LOW_TRACE_ID) == Decision.RECORD_AND_SAMPLE
    assert _decision({}, HIGH_TRACE_ID) == Decision.DROP


def test_a_root_span_linked_to_a_sampled_span_is_sampled() -> None:
    sampled = SpanContext(1, 2, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    unsampled = SpanContext(1, 3, is_remote=False, trace_flags=TraceFlags(TraceFlags.DEFAULT))
    assert _decision({}, HIGH_TRACE_ID, [Link(sampled)]) == Decision.RECORD_AND_SAMPLE
    assert _decision({}, HIGH_TRACE_ID, [Link(unsampled)]) == Decision.DROP


@pytest.mark.parametrize(
    ("name", "decision"), [("always_on", Decision.RECORD_AND_SAMPLE), ("always_off", Decision.DROP)]
)
def test_the_specification_names(name: str, decision: Decision) -> None:
    assert _decision({"OTEL_TRACES_SAMPLER": name}, LOW_TRACE_ID) == decision


@pytest.mark.parametrize(
    "env",
    [
        {"OTEL_TRACES_SAMPLER": "sometimes"},
        {"OTEL_TRACES_SAMPLER_ARG": "1.5"},
        {"OTEL_TRACES_SAMPLER_ARG": "half"},
    ],
)
def test_bad_values_are_start_up_errors(env: dict[str, str]) -> None:
    with pytest.raises(SamplerConfigError):
        sampler_from_env(env)
