"""One object per event loop: the delay histogram and exact window max, utilization, and stall
attribution, registered on a prometheus_client registry under looplab's names."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ._contract import CONTRACT
from .loop_delay import LagSampler
from .settings import Settings, settings_from_env
from .stalls.attribution import StallAttribution
from .stalls.model import StallClass
from .utilization import IdleTimingSelector, time_selector, untime_selector

_METRICS: dict[str, dict[str, Any]] = CONTRACT["metrics"]


def _gauge(key: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(_METRICS[key]["name"], _METRICS[key]["help"], value=value)


def _counter(key: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(_METRICS[key]["name"], _METRICS[key]["help"], value=value)


def _by_class(key: str, values: Mapping[StallClass, float]) -> CounterMetricFamily:
    family = CounterMetricFamily(_METRICS[key]["name"], _METRICS[key]["help"], labels=["class"])
    for stall_class, value in values.items():
        family.add_metric([stall_class], value)
    return family


class _Collector(Collector):
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument

    def collect(self) -> Iterator[Any]:
        instrument = self.instrument
        settings = instrument.settings
        yield _gauge("eventLoopDelayWindowMax", instrument.lag.window_max())
        yield _gauge("eventLoopDelayWindow", settings.window_s)
        selector = instrument.selector
        if selector is not None:
            yield _counter("eventLoopActive", selector.active_seconds())
            yield _counter("eventLoopIdle", selector.idle_seconds)
        stalls = instrument.stalls
        yield _by_class("eventLoopStalls", stalls.count)
        yield _by_class("eventLoopStalledSeconds", stalls.seconds)
        yield _gauge("eventLoopStallThreshold", settings.stall_threshold_ms / 1000)


class Instrument:
    """Create it anywhere; `start()` it on the running loop (a lifespan hook, or `async def main`).

    `registry`: where the series go (prometheus_client's default REGISTRY unless given; None
    registers nothing). `settings`: by default read from the LOOPLAB_* environment variables.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        registry: CollectorRegistry | None = REGISTRY,
    ) -> None:
        self.settings = settings if settings is not None else settings_from_env()
        delay = _METRICS["eventLoopDelay"]
        histogram = Histogram(
            delay["name"], delay["help"], registry=registry, buckets=delay["buckets"]
        )
        self.lag = LagSampler(histogram, self.settings.resolution_ms, self.settings.window_s)
        self.stalls = StallAttribution(self.settings)
        self.selector: IdleTimingSelector | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        if registry is not None:
            registry.register(_Collector(self))

    @property
    def started(self) -> bool:
        return self._loop is not None

    def start(self) -> None:
        """Starts measuring the running loop (call it from a coroutine or callback on that loop)."""
        if self._loop is not None:
            return
        loop = asyncio.get_running_loop()
        self._loop = loop
        self.selector = time_selector(loop)
        self.lag.start()
        self.stalls.start(loop)

    async def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return
        self.stalls.stop()
        await self.lag.stop()
        if self.selector is not None:
            untime_selector(loop, self.selector)
        self._loop = None

    def stalls_json(self, since: int | None = None) -> bytes:
        """The body of GET /looplab/stalls?since=<cursor>."""
        return self.stalls.log.answer(since)


def start(
    settings: Settings | None = None, registry: CollectorRegistry | None = REGISTRY
) -> Instrument:
    """One call, from a coroutine on the loop to measure: create and start an Instrument."""
    instrument = Instrument(settings, registry)
    instrument.start()
    return instrument
