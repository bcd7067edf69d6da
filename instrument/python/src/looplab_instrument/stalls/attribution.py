"""Stall attribution for one event loop: the heartbeat counts stalls by class, and with
attribution on the watchdog's samples name the code that held the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from ..settings import HEARTBEAT_MS, Settings
from ..thread_clock import schedstat
from .classify import Evidence, classify
from .fold import OTHER_STACKS, FoldedStack, fold, inside, weigh
from .heartbeat import Heartbeat, StallWindow
from .log import Header, StallLog
from .model import STALL_CLASSES, StallClass
from .watchdog import LoopThread, Taken, Watchdog

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
        self.heartbeat.start(loop, self._loop_thread.native_id)
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

    def _evidence(self, window: StallWindow, taken: Taken | None) -> Evidence:
        held_up = 0.0
        if taken is not None and self._watchdog is not None:
            # The watchdog waiting for a CPU (a busy box) is not the GIL being kept from it.
            watchdog_id = self._watchdog.native_id
            now = schedstat(watchdog_id) if watchdog_id is not None else None
            before = taken.baseline.watchdog
            queued = now.run_delay - before.run_delay if now and before else 0.0
            held_up = max(0.0, taken.held_up - queued)
        return Evidence(
            window.measured,
            window.loop_cpu,
            window.loop_run_delay,
            window.loop_timeslices,
            window.others_cpu,
            window.end - window.start,
            held_up,
        )

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
