"""The watchdog thread: it sleeps until the loop's next heartbeat would be late past the threshold;
when it is, it samples every thread's stack and CPU clock every sample interval until the loop
turns again. It must already run when a stall begins (a sampler started afterwards sees only the
calm after it) and costs nothing in between but one wake-up per threshold.

It needs the GIL to look. Python code hands the GIL over every switch interval (5 ms), so a wake
that comes far later than that means native code held the GIL: that time is the stall's
`held_up`, the evidence for the `native` class.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

from ..thread_clock import SchedStat, cpu_seconds, schedstat
from .heartbeat import Heartbeat
from .model import Sample, Stack, ThreadStack

MAX_SAMPLES = 1000
"""Per stall; past it every other sample is dropped and the interval doubled (weights stay fair)."""
HELD_UP_ALLOWANCE_SWITCHES = 4
"""A wake later than this many switch intervals is held up; GIL contention alone stays below."""


@dataclass(frozen=True)
class LoopThread:
    ident: int
    native_id: int
    name: str


@dataclass
class Recording:
    """One stall as the watchdog saw it, keyed by the heartbeat it found late."""

    beat: int
    noticed: float
    loop_at_notice: SchedStat | None = None
    loop_cpu_at_notice: float | None = None
    others_at_notice: dict[int, float] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    held_up: float = 0.0
    closed: bool = False


@dataclass(frozen=True)
class Taken:
    recording: Recording | None
    held_up: float


def stack_of(frame: FrameType | None) -> Stack:
    frames = []
    while frame is not None:
        code = frame.f_code
        frames.append((code.co_qualname, code.co_filename, frame.f_lineno or 0))
        frame = frame.f_back
    frames.reverse()
    return tuple(frames)


_Clocks = dict[int, tuple[str, int, float]]
"""native_id -> (thread name, ident, CPU seconds)."""


class Watchdog:
    def __init__(
        self,
        heartbeat: Heartbeat,
        loop_thread: LoopThread,
        threshold_s: float,
        sample_interval_s: float,
    ) -> None:
        self.heartbeat = heartbeat
        self.loop_thread = loop_thread
        self.threshold = threshold_s
        self.sample_interval = sample_interval_s
        self._allowance = HELD_UP_ALLOWANCE_SWITCHES * sys.getswitchinterval()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._recording: Recording | None = None
        self._planned: float | None = None
        self._baseline: _Clocks = {}
        self._thread = threading.Thread(
            target=self._run, name="looplab-stall-watchdog", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def take(self, beat: int, end: float) -> Taken:
        """On the loop, when the stall after `beat` ended at `end`: what the watchdog saw of it."""
        with self._lock:
            planned = self._planned
            pending = 0.0 if planned is None else max(0.0, end - planned - self._allowance)
            recording = self._recording
            if recording is None or recording.beat != beat:
                return Taken(None, pending)
            recording.closed = True
            self._recording = None
            return Taken(recording, recording.held_up + pending)

    def _wait_until(self, deadline: float) -> float:
        """Sleeps (without the GIL) until `deadline`; how much later than that it got the GIL back."""
        self._planned = deadline
        self._stopping.wait(max(0.0, deadline - time.monotonic()))
        late = time.monotonic() - deadline
        self._planned = None
        return late

    def _run(self) -> None:
        late = 0.0
        while not self._stopping.is_set():
            beat, at = self.heartbeat.last
            now = time.monotonic()
            deadline = at + self.heartbeat.interval + self.threshold
            if now < deadline:
                self._baseline = self._clocks()
                late = self._wait_until(deadline)
                continue
            self._watch(beat, max(0.0, late - self._allowance))
            late = 0.0

    def _clocks(self) -> _Clocks:
        clocks: _Clocks = {}
        own = threading.get_native_id()
        for thread in threading.enumerate():
            native_id, ident = thread.native_id, thread.ident
            if native_id is None or ident is None or native_id == own:
                continue
            cpu = cpu_seconds(native_id)
            if cpu is not None:
                clocks[native_id] = (thread.name, ident, cpu)
        return clocks

    def _sample(self, clocks: _Clocks, previous: _Clocks) -> Sample:
        frames = sys._current_frames()
        at = time.monotonic()
        loop = self.loop_thread
        loop_stack: ThreadStack | None = None
        others = []
        for native_id, (name, ident, cpu) in clocks.items():
            used = cpu - previous[native_id][2] if native_id in previous else 0.0
            frame = frames.get(ident)
            if native_id == loop.native_id:
                loop_stack = ThreadStack(name, stack_of(frame), used)
            elif used > 0 and frame is not None:
                others.append(ThreadStack(name, stack_of(frame), used))
        if loop_stack is None and loop.ident in frames:
            loop_stack = ThreadStack(loop.name, stack_of(frames[loop.ident]), 0.0)
        return Sample(at, loop_stack, tuple(others))

    def _watch(self, beat: int, held_up: float) -> None:
        """Samples the stall that followed heartbeat `beat` until the loop turns again."""
        clocks = self._clocks()
        first = self._sample(clocks, self._baseline)
        loop_id = self.loop_thread.native_id
        recording = Recording(
            beat,
            first.at,
            loop_cpu_at_notice=clocks[loop_id][2] if loop_id in clocks else None,
            others_at_notice={tid: cpu for tid, (_, _, cpu) in clocks.items() if tid != loop_id},
            samples=[first],
            held_up=held_up,
        )
        with self._lock:
            self._recording = recording
        # A file read releases the GIL: only now that the first sample is taken.
        loop_stat = schedstat(loop_id)
        with self._lock:
            recording.loop_at_notice = loop_stat
        interval = self.sample_interval
        previous = clocks
        while self.heartbeat.last[0] == beat and not self._stopping.is_set():
            late = self._wait_until(time.monotonic() + interval)
            if self.heartbeat.last[0] != beat:
                break
            clocks = self._clocks()
            sample = self._sample(clocks, previous)
            previous = clocks
            with self._lock:
                if recording.closed:
                    break
                recording.held_up += max(0.0, late - self._allowance)
                recording.samples.append(sample)
                if len(recording.samples) >= MAX_SAMPLES:
                    recording.samples = recording.samples[1::2]
                    interval *= 2
