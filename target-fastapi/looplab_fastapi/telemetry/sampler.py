"""Trace sampling as the Node app does it (target-app/src/telemetry/sampler.ts):
OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG with the specification's names, a default of
parentbased_traceidratio at 0.1 when unset, parent-based samplers that also follow links (a
task span is stored whenever the request that enqueued it was), and a start-up error for an
unknown name or a bad ratio instead of the specification's "warn and ignore"."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

DEFAULT_SAMPLER = "parentbased_traceidratio"
DEFAULT_SAMPLE_RATIO = 0.1


class SamplerConfigError(ValueError):
    pass


class LinkFollowingSampler(Sampler):
    """A root span linked to a sampled span is sampled; everything else is the delegate's call."""

    def __init__(self, delegate: Sampler) -> None:
        self.delegate = delegate

    def should_sample(  # noqa: PLR0917 - the SDK Sampler interface
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if (
            links
            and not parent.is_valid
            and any(link.context.trace_flags.sampled for link in links)
        ):
            return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)
        return self.delegate.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"LinkFollowing{{{self.delegate.get_description()}}}"


def _ratio(value: str | None) -> float:
    if value is None or value.strip() == "":
        return DEFAULT_SAMPLE_RATIO
    try:
        ratio = float(value)
    except ValueError:
        ratio = math.nan
    if not 0 <= ratio <= 1:
        raise SamplerConfigError(
            f'OTEL_TRACES_SAMPLER_ARG="{value}": must be a number between 0 and 1'
        )
    return ratio


def _parent_based(root: Sampler) -> Sampler:
    return LinkFollowingSampler(ParentBased(root))


_SAMPLERS: dict[str, Callable[[str | None], Sampler]] = {
    "always_on": lambda _arg: ALWAYS_ON,
    "always_off": lambda _arg: ALWAYS_OFF,
    "traceidratio": lambda arg: TraceIdRatioBased(_ratio(arg)),
    "parentbased_always_on": lambda _arg: _parent_based(ALWAYS_ON),
    "parentbased_always_off": lambda _arg: _parent_based(ALWAYS_OFF),
    "parentbased_traceidratio": lambda arg: _parent_based(TraceIdRatioBased(_ratio(arg))),
}


def sampler_from_env(env: Mapping[str, str]) -> Sampler:
    name = (env.get("OTEL_TRACES_SAMPLER") or "").strip() or DEFAULT_SAMPLER
    build = _SAMPLERS.get(name)
    if build is None:
        raise SamplerConfigError(
            f'OTEL_TRACES_SAMPLER="{name}": unknown sampler (known: {", ".join(_SAMPLERS)})'
        )
    return build(env.get("OTEL_TRACES_SAMPLER_ARG"))
