"""Event-loop delay as a cumulative histogram, and its exact max over a sliding window.

A sampler task sleeps for the resolution and records how much later than asked it woke up. A
synchronous block of N ms that starts while the sampler sleeps delays that wake-up by N ms minus
the part of the sleep already gone, so it reads between N - resolution and N ms; an idle loop
reads ~0. The histogram is never reset on scrape: quantiles come from rate() over any window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from prometheus_client import Histogram


class WindowMax:
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
    """Records the event-loop delay every `resolution_ms`."""

    def __init__(self, histogram: Histogram, resolution_ms: int, window_s: int) -> None:
        self.histogram = histogram
        self.resolution = resolution_ms / 1000
        self.window = WindowMax(window_s)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="looplab-lag-sampler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

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
