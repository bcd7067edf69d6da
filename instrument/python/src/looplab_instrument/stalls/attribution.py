"""Stall attribution for one event loop: the heartbeat counts stalls by class, and with
attribution on the watchdog's samples name the code that held the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from ..settings import HEARTBEAT_MS, Settings
from ..thread_clock import cpu_seconds, schedstat
from .classify import Evidence, WatchedSpan, classify
from .fold import OTHER_STACKS, FoldedStack, fold, inside, weigh
from .heartbeat import Heartbeat, StallWindow
from .log import Header, StallLog
from .model import STALL_CLASSES, StallClass
from .watchdog import LoopThread, Recording, Watchdog

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

    def _watched(self, recording: Recording) -> WatchedSpan:
        """The loop thread and the others from the watchdog's first look until now."""
        assert self._loop_thread is not None
        seconds = time.monotonic() - recording.noticed
        start, end = recording.loop_at_notice, schedstat(self._loop_thread.native_id)
        others = 0.0
        for native_id, before in recording.others_at_notice.items():
            after = cpu_seconds(native_id)
            if after is not None:
                others += max(0.0, after - before)
        if start is not None and end is not None:
            return WatchedSpan(
                seconds,
                end.cpu - start.cpu,
                end.run_delay - start.run_delay,
                end.timeslices - start.timeslices,
                others,
            )
        before_cpu = recording.loop_cpu_at_notice
        loop_cpu = 0.0 if before_cpu is None else time.thread_time() - before_cpu
        return WatchedSpan(seconds, loop_cpu, None, None, others)

    def _record(self, window: StallWindow) -> None:
        """On the loop, as it turns again after a stall."""
        taken = self._watchdog.take(window.beat, window.end) if self._watchdog else None
        recording = taken.recording if taken else None
        duration = window.end - window.start
        evidence = Evidence(
            duration,
            window.loop_cpu,
            window.others_cpu,
            self._watched(recording) if recording else None,
            taken.held_up if taken else 0.0,
        )
        stall_class, blame = classify(evidence)
        self.count[stall_class] += 1
        self.seconds[stall_class] += duration
        samples = inside(recording.samples, window.start, window.end) if recording else []
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
