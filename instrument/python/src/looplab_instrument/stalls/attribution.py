"""Stall attribution for one event loop: the heartbeat counts stalls by class, and with
attribution on the watchdog's samples name the code that held the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from ..settings import HEARTBEAT_MS, Settings
from ..thread_clock import SchedStat, cpu_seconds, schedstat
from .classify import Evidence, Span, classify
from .fold import OTHER_STACKS, FoldedStack, fold, inside, weigh
from .heartbeat import Heartbeat, StallWindow
from .log import Header, StallLog
from .model import STALL_CLASSES, StallClass
from .watchdog import Clocks, LoopThread, Taken, Watchdog

MAX_STACKS = 50


def _frames_json(folded: FoldedStack) -> list[dict[str, Any]]:
    return [
        {"function": function}
        if function == OTHER_STACKS
        else {"function": function, "file": file, "line": line}
        for function, file, line in folded.stack
    ]


class StallAttribution:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.log = StallLog(
            Header(
                settings.attribution, settings.stall_threshold_ms, settings.stall_sample_interval_ms
            )
        )
        self.count: dict[StallClass, int] = dict.fromkeys(STALL_CLASSES, 0)
        self.seconds: dict[StallClass, float] = dict.fromkeys(STALL_CLASSES, 0.0)
        self.heartbeat = Heartbeat(
            HEARTBEAT_MS / 1000, settings.stall_threshold_ms / 1000, self._record
        )
        self._loop_thread: LoopThread | None = None
        self._watchdog: Watchdog | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop's thread."""
        thread = threading.current_thread()
        assert thread.ident is not None
        self._loop_thread = LoopThread(thread.ident, threading.get_native_id(), thread.name)
        self.heartbeat.start(loop)
        if self.settings.attribution:
            self._watchdog = Watchdog(
                self.heartbeat,
                self._loop_thread,
                self.settings.stall_threshold_ms / 1000,
                self.settings.stall_sample_interval_ms / 1000,
            )
            self._watchdog.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    def _span(
        self, since: float, loop_before: SchedStat | None, cpu_before: float | None, others: Clocks
    ) -> Span:
        """What the loop thread and the others did from `since` until now."""
        assert self._loop_thread is not None
        seconds = time.monotonic() - since
        loop_now = schedstat(self._loop_thread.native_id)
        used = 0.0
        for native_id, (_, _, before) in others.items():
            after = cpu_seconds(native_id)
            if after is not None and native_id != self._loop_thread.native_id:
                used += max(0.0, after - before)
        if loop_before is not None and loop_now is not None:
            return Span(
                seconds,
                loop_now.cpu - loop_before.cpu,
                loop_now.run_delay - loop_before.run_delay,
                loop_now.timeslices - loop_before.timeslices,
                used,
            )
        loop_cpu = 0.0 if cpu_before is None else time.thread_time() - cpu_before
        return Span(seconds, loop_cpu, None, None, used)

    def _evidence(self, window: StallWindow, taken: Taken | None) -> Evidence:
        duration = window.end - window.start
        if taken is None or self._watchdog is None:
            return Evidence(duration, window.loop_cpu, window.others_cpu)
        recording, baseline = taken.recording, taken.baseline
        # The watchdog's own look is the best evidence when it saw at least half the window;
        # when it looked late (it could not get the GIL, or a CPU), its last look before.
        if recording is not None and recording.noticed - window.start <= 0.5 * duration:
            span = self._span(
                recording.noticed,
                recording.loop_at_notice,
                recording.loop_cpu_at_notice,
                recording.clocks_at_notice,
            )
        else:
            span = self._span(baseline.at, baseline.loop, None, baseline.clocks)
        # The watchdog waiting for a CPU (a busy box) is not the GIL being kept from it.
        watchdog_id = self._watchdog.native_id
        watchdog_now = schedstat(watchdog_id) if watchdog_id is not None else None
        queued = (
            watchdog_now.run_delay - baseline.watchdog.run_delay
            if watchdog_now is not None and baseline.watchdog is not None
            else 0.0
        )
        held_up = max(0.0, taken.held_up - queued)
        return Evidence(duration, window.loop_cpu, window.others_cpu, span, held_up)

    def _record(self, window: StallWindow) -> None:
        """On the loop, as it turns again after a stall."""
        taken = (
            self._watchdog.take(window.beat, window.start, window.end) if self._watchdog else None
        )
        recording = taken.recording if taken else None
        duration = window.end - window.start
        stall_class, blame = classify(self._evidence(window, taken))
        self.count[stall_class] += 1
        self.seconds[stall_class] += duration
        samples = inside(recording.samples, window.start, window.end) if recording else []
        if not samples and blame == "others" and taken and self._watchdog:
            samples = [self._watchdog.sample_at_end(taken.baseline, window.end)]
        folded = fold(weigh(samples, window.start, window.end, blame), MAX_STACKS)
        to_epoch_ms = (time.time() - time.monotonic()) * 1000
        self.log.add(
            {
                "startMs": round(window.start * 1000 + to_epoch_ms, 3),
                "endMs": round(window.end * 1000 + to_epoch_ms, 3),
                "durationMs": round(duration * 1000, 3),
                "class": stall_class,
                "cpuMs": round(min(window.loop_cpu, duration) * 1000, 3),
                "samples": len(samples),
                "stacks": [
                    {
                        "thread": stack.thread,
                        "weightMs": round(stack.seconds * 1000, 3),
                        "frames": _frames_json(stack),
                    }
                    for stack in folded
                ],
            }
        )
