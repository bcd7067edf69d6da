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
from itertools import pairwise
from types import FrameType

from ..thread_clock import SchedStat, SchedStatReader, cpu_seconds
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


Clocks = dict[int, tuple[str, int, float]]
"""native_id -> (thread name, ident, CPU seconds)."""


@dataclass
class Recording:
    """One stall as the watchdog saw it, keyed by the heartbeat it found late."""

    beat: int
    samples: list[Sample] = field(default_factory=list)
    interval: float = 0.0
    closed: bool = False


@dataclass(frozen=True)
class Baseline:
    """The watchdog's last look before a stall: every thread's CPU clock, and its own schedstat."""

    clocks: Clocks
    watchdog: SchedStat | None


@dataclass(frozen=True)
class Taken:
    recording: Recording | None
    held_up: float
    baseline: Baseline


def held_up_seconds(
    first_look: float, looks: list[float], end: float, interval: float, allowance: float
) -> float:
    """Time the watchdog could not look although it should have: each gap between consecutive
    looks (from `first_look`, when it should first have looked, to `end`) beyond the sample
    interval and the allowance. Wherever the watchdog lost the GIL (a wait, a file read, between
    two bytecodes), only a look proves it had it back."""
    marks = [first_look, *(at for at in looks if at >= first_look), end]
    return sum(
        max(0.0, later - earlier - interval - allowance) for earlier, later in pairwise(marks)
    )


def stack_of(frame: FrameType | None) -> Stack:
    frames = []
    while frame is not None:
        code = frame.f_code
        frames.append((code.co_qualname, code.co_filename, frame.f_lineno or 0))
        frame = frame.f_back
    frames.reverse()
    return tuple(frames)


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
        self._baseline = Baseline({}, None)
        self._native_id: int | None = None
        self._own: SchedStatReader | None = None
        self._thread = threading.Thread(
            target=self._run, name="looplab-stall-watchdog", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def take(self, beat: int, start: float, end: float) -> Taken:
        """On the loop, when the stall [start, end] after heartbeat `beat` has ended: what the
        watchdog saw of it, and how long it was held up (from when it should first have looked,
        the threshold into the stall, to the end)."""
        with self._lock:
            recording = self._recording
            if recording is None or recording.beat != beat:
                recording = None
            else:
                recording.closed = True
                self._recording = None
        looks = [sample.at for sample in recording.samples] if recording else []
        interval = recording.interval if recording else self.sample_interval
        held_up = held_up_seconds(start + self.threshold, looks, end, interval, self._allowance)
        return Taken(recording, held_up, self._baseline)

    @property
    def native_id(self) -> int | None:
        return self._native_id

    def sample_at_end(self, baseline: Baseline, end: float) -> Sample:
        """On the loop as it turns again, for a stall the watchdog could not sample in time: the
        other threads that used CPU since `baseline`, where they are now (where the loop got the
        GIL from them). The loop's own frames are not what ran, so the sample has none."""
        sample = self._sample(self._clocks(), baseline.clocks)
        return Sample(end, None, sample.others)

    def _wait_until(self, deadline: float) -> None:
        self._stopping.wait(max(0.0, deadline - time.monotonic()))

    def _run(self) -> None:
        self._native_id = threading.get_native_id()
        self._own = SchedStatReader(self._native_id)
        try:
            self._loop_until_stopped()
        finally:
            self._own.close()

    def _loop_until_stopped(self) -> None:
        while not self._stopping.is_set():
            beat, at = self.heartbeat.last
            now = time.monotonic()
            deadline = at + self.heartbeat.interval + self.threshold
            if now < deadline:
                self._baseline = self._look()
                self._wait_until(deadline)
                continue
            self._watch(beat)

    def _look(self) -> Baseline:
        assert self._own is not None
        return Baseline(self._clocks(), self._own.read())

    def _clocks(self) -> Clocks:
        clocks: Clocks = {}
        for thread in threading.enumerate():
            native_id, ident = thread.native_id, thread.ident
            if native_id is None or ident is None or native_id == self._native_id:
                continue
            cpu = cpu_seconds(native_id)
            if cpu is not None:
                clocks[native_id] = (thread.name, ident, cpu)
        return clocks

    def _sample(self, clocks: Clocks, previous: Clocks) -> Sample:
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

    def _watch(self, beat: int) -> None:
        """Samples the stall that followed heartbeat `beat` until the loop turns again."""
        clocks = self._clocks()
        first = self._sample(clocks, self._baseline.clocks)
        recording = Recording(beat, samples=[first], interval=self.sample_interval)
        with self._lock:
            self._recording = recording
        interval = self.sample_interval
        previous = clocks
        while self.heartbeat.last[0] == beat and not self._stopping.is_set():
            self._wait_until(time.monotonic() + interval)
            if self.heartbeat.last[0] != beat:
                break
            clocks = self._clocks()
            sample = self._sample(clocks, previous)
            previous = clocks
            with self._lock:
                if recording.closed:
                    break
                recording.samples.append(sample)
                if len(recording.samples) >= MAX_SAMPLES:
                    recording.samples = recording.samples[1::2]
                    interval *= 2
                    recording.interval = interval
        self._baseline = self._look()  # for a stall that follows at once
