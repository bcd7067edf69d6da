"""The loop's heartbeat: a timer callback every HEARTBEAT_MS that writes when the loop last turned.

A beat that runs later than due + threshold ends a stall: its window is from when the beat was
due (the loop had turned at most one heartbeat earlier) to now, counted exactly once, on the
loop, whether or not the watchdog runs. Each beat also reads the loop thread's schedstat (CPU,
run delay, times put on a CPU) and the process's CPU clock, all keeping the GIL, so every stall
knows what the loop thread did with its time since the beat before it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..thread_clock import SchedStat, SchedStatReader


@dataclass(frozen=True)
class StallWindow:
    beat: int
    """Sequence number of the last beat before the stall (the watchdog's recording is keyed by it)."""
    start: float
    end: float
    measured: float
    """Seconds since that beat (the window plus at most one heartbeat): what the rest covers."""
    loop_cpu: float
    loop_run_delay: float | None
    loop_timeslices: int | None
    others_cpu: float
    """The rest of the process's CPU seconds."""


class Heartbeat:
    def __init__(
        self, interval_s: float, threshold_s: float, on_stall: Callable[[StallWindow], None]
    ) -> None:
        self.interval = interval_s
        self.threshold = threshold_s
        self.on_stall = on_stall
        self.last: tuple[int, float] = (0, time.monotonic())
        """(sequence, time.monotonic()) of the latest beat, replaced whole so a thread reads a pair."""
        self._loop_cpu = 0.0
        self._process_cpu = 0.0
        self._stat: SchedStat | None = None
        self._reader: SchedStatReader | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None

    def start(self, loop: asyncio.AbstractEventLoop, native_id: int) -> None:
        self._loop = loop
        self._reader = SchedStatReader(native_id)
        self._stat = self._reader.read()
        self._loop_cpu = time.thread_time()
        self._process_cpu = time.process_time()
        self.last = (0, time.monotonic())
        self._handle = loop.call_later(self.interval, self._beat)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._reader is not None:
            self._reader.close()

    def _beat(self) -> None:
        now = time.monotonic()
        loop_cpu = time.thread_time()
        process_cpu = time.process_time()
        assert self._loop is not None and self._reader is not None
        stat, before = self._reader.read(), self._stat
        beat, at = self.last
        due = at + self.interval
        used = loop_cpu - self._loop_cpu
        others = max(0.0, process_cpu - self._process_cpu - used)
        self.last = (beat + 1, now)
        self._loop_cpu, self._process_cpu, self._stat = loop_cpu, process_cpu, stat
        self._handle = self._loop.call_later(self.interval, self._beat)
        if now - due > self.threshold:
            self.on_stall(
                StallWindow(
                    beat,
                    due,
                    now,
                    now - at,
                    used,
                    stat.run_delay - before.run_delay if stat and before else None,
                    stat.timeslices - before.timeslices if stat and before else None,
                    others,
                )
            )
