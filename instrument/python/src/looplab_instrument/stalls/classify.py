"""Honest classes for a stall, from what the threads did with their time in its window.

- on_cpu: the loop thread was on a CPU (or runnable, waiting for one on a busy box) at least
  half the window: it ran the code that blocked. Blame its frames.
- gil_wait: the loop thread was mostly off-CPU, woke again and again (a thread waiting for the
  GIL wakes every switch interval, 5 ms, to ask for it; a thread in time.sleep does not), and
  other Python threads used CPU for a good part of the window: they held the GIL. Blame them.
- off_cpu: the loop thread waited (time.sleep, sync I/O, a lock) and nothing else explains it.
  Blame its frames: they show what it waited in.
- native: the loop thread was on a CPU, yet the watchdog could not get the GIL for most of the
  window, which Python code on the loop never causes (the interpreter hands the GIL to a waiting
  thread every switch interval): native code on the loop held it, and its frames could not be
  sampled while it ran. (When the loop was off-CPU instead, the watchdog also waits behind the
  threads that keep the GIL from the loop, native or Python, and can be starved by their
  contention on a busy box: that stall is gil_wait, blamed on those threads.)
Without the watchdog (attribution off) only the CPU split from the heartbeat is known: native
is not told apart, and neither are run delay and wake-ups.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Blame, StallClass

ON_CPU_SHARE = 0.5
OTHERS_SHARE = 0.25
GIL_WAITER_WAKES_EVERY_S = 0.02
HELD_UP_SHARE = 0.5
MIN_SPAN_S = 0.005


@dataclass(frozen=True)
class Span:
    """From the watchdog's first look at the late loop (or, when it could not look in time, its
    last look before the stall) to the loop's next turn."""

    seconds: float
    loop_cpu: float
    loop_run_delay: float | None
    loop_timeslices: int | None
    others_cpu: float


@dataclass(frozen=True)
class Evidence:
    duration: float
    loop_cpu: float | None
    """The loop thread's CPU seconds since its last heartbeat before the stall."""
    others_cpu: float | None
    """The rest of the process's CPU seconds over the same time."""
    span: Span | None = None
    held_up: float = 0.0
    """Seconds the watchdog waited for the GIL beyond what Python code can make it wait."""


def classify(evidence: Evidence) -> tuple[StallClass, Blame]:
    """The class, and whose frames the stall's time goes to."""
    held_up = evidence.held_up >= HELD_UP_SHARE * evidence.duration
    span = evidence.span
    if span is None or span.seconds < MIN_SPAN_S:
        by_cpu = _from_cpu_split(evidence)
        if by_cpu == "on_cpu" and held_up:
            return "native", "loop"
        return by_cpu, "others" if by_cpu == "gil_wait" else "loop"
    busy = (span.loop_cpu + (span.loop_run_delay or 0.0)) / span.seconds >= ON_CPU_SHARE
    woke_often = (
        span.loop_timeslices is None
        or span.loop_timeslices >= span.seconds / GIL_WAITER_WAKES_EVERY_S
    )
    others_ran = span.others_cpu / span.seconds >= OTHERS_SHARE
    if busy:
        return ("native" if held_up else "on_cpu"), "loop"
    if woke_often and others_ran:
        return "gil_wait", "others"
    return "off_cpu", "loop"


def _from_cpu_split(evidence: Evidence) -> StallClass:
    if evidence.loop_cpu is None or evidence.duration <= 0:
        return "on_cpu"
    if evidence.loop_cpu >= ON_CPU_SHARE * evidence.duration:
        return "on_cpu"
    waited = evidence.duration - evidence.loop_cpu
    if evidence.others_cpu is not None and evidence.others_cpu >= OTHERS_SHARE * waited:
        return "gil_wait"
    return "off_cpu"
