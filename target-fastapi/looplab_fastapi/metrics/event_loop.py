"""Event-loop delay and utilization of the asyncio loop, as cumulative series.

Delay: a sampler task sleeps for the resolution (LOOPLAB_EVENT_LOOP_RESOLUTION_MS) and records
how much later than asked it woke up. A synchronous block of N ms that starts while the sampler
sleeps delays that wake-up by N ms minus the part of the sleep already gone, so it reads between
N - resolution and N ms (the 300 ms test allows 5 % + 2 ms); an idle loop reads ~0.

Utilization: the loop's selector is timed. Time inside select() is the loop waiting for I/O or
a timer (idle); everything else is active (callbacks, request handling, a blocking task): the
same split as Node's performance.eventLoopUtilization().
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from ..contract import Contract


class IdleTimingSelector(selectors.DefaultSelector):
    """The platform's default selector, counting the seconds spent waiting in select()."""

    def __init__(self) -> None:
        super().__init__()
        self.idle_seconds = 0.0
        self.created = time.perf_counter()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        started = time.perf_counter()
        try:
            return super().select(timeout)
        finally:
            self.idle_seconds += time.perf_counter() - started


def new_event_loop() -> asyncio.AbstractEventLoop:
    """An asyncio loop whose idle time can be measured (uvloop offers no such hook)."""
    return asyncio.SelectorEventLoop(IdleTimingSelector())


class _WindowMax:
    """Exact max over the last `window_s` seconds, from per-second maxima."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._seconds: deque[tuple[int, float]] = deque()

    def add(self, at: float, value: float) -> None:
        second = int(at)
        if self._seconds and self._seconds[-1][0] == second:
            if value > self._seconds[-1][1]:
                self._seconds[-1] = (second, value)
        else:
            self._seconds.append((second, value))

    def current(self, now: float) -> float:
        cutoff = now - self.window_s
        while self._seconds and self._seconds[0][0] + 1 <= cutoff:
            self._seconds.popleft()
        return max((value for _, value in self._seconds), default=0.0)


class LagSampler:
    """Records the event-loop delay every `resolution_ms`; the histogram is never reset."""

    def __init__(self, histogram: Histogram, resolution_ms: int, window_s: int) -> None:
        self.histogram = histogram
        self.resolution = resolution_ms / 1000
        self.window = _WindowMax(window_s)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="lag-sampler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def record(self, delay: float) -> None:
        self.histogram.observe(delay)
        self.window.add(time.monotonic(), delay)

    def window_max(self) -> float:
        return self.window.current(time.monotonic())

    async def _run(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.resolution)
            self.record(max(0.0, time.perf_counter() - asked - self.resolution))


class _LoopCollector(Collector):
    def __init__(self, contract: Contract, sampler: LagSampler, window_s: int) -> None:
        self.contract = contract
        self.sampler = sampler
        self.window_s = window_s
        self.selector: IdleTimingSelector | None = None

    def collect(self) -> Iterator[Any]:
        window_max = self.contract.metric("eventLoopDelayWindowMax")
        window = self.contract.metric("eventLoopDelayWindow")
        yield GaugeMetricFamily(window_max.name, window_max.help, value=self.sampler.window_max())
        yield GaugeMetricFamily(window.name, window.help, value=self.window_s)
        if (
            self.selector is not None
            and "fastapi" in self.contract.metric("eventLoopActive").runtimes
        ):
            elapsed = time.perf_counter() - self.selector.created
            idle = self.selector.idle_seconds
            active_spec = self.contract.metric("eventLoopActive")
            idle_spec = self.contract.metric("eventLoopIdle")
            yield CounterMetricFamily(
                active_spec.name, active_spec.help, value=max(0.0, elapsed - idle)
            )
            yield CounterMetricFamily(idle_spec.name, idle_spec.help, value=idle)


class EventLoopMetrics:
    def __init__(
        self, registry: CollectorRegistry, contract: Contract, resolution_ms: int, window_s: int
    ) -> None:
        delay = contract.metric("eventLoopDelay")
        histogram = Histogram(
            delay.name, delay.help, registry=registry, buckets=delay.buckets or ()
        )
        self.sampler = LagSampler(histogram, resolution_ms, window_s)
        self._collector = _LoopCollector(contract, self.sampler, window_s)
        registry.register(self._collector)

    def start(self) -> None:
        """Starts sampling on the running loop; measures its utilization if it has a timed selector."""
        self.sampler.start()
        selector = getattr(asyncio.get_running_loop(), "_selector", None)
        if isinstance(selector, IdleTimingSelector):
            self._collector.selector = selector

    async def stop(self) -> None:
        await self.sampler.stop()
