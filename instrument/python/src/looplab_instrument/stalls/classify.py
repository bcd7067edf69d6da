"""Honest classes for a stall, from what the threads did with their time in its window.

- on_cpu: the loop thread was on a CPU at least half the window, or, unless others outran it
  (below), on a CPU or runnable and waiting for one on a busy box: it ran the code that
  blocked. Blame its frames.
- gil_wait: the loop thread was mostly off-CPU, woke again and again (a thread waiting for the
  GIL wakes every switch interval, 5 ms, to ask for it; a thread in time.sleep does not), and
  other threads used CPU for a good part of the window, more than the loop: they held the GIL.
  Blame them.
- off_cpu: the loop thread waited (time.sleep, sync I/O, a lock) and nothing else explains it.
  Blame its frames: they show what it waited in.
- native: the loop thread was on a CPU, yet the watchdog could not get the GIL for most of the
  window, which Python code on the loop never causes (the interpreter hands the GIL to a waiting
  thread every switch interval): native code on the loop held it, and its frames could not be
  sampled while it ran. (When the loop was off-CPU instead, the watchdog also waits behind the
  threads that keep the GIL from the loop, native or Python, and can be starved by their
  contention on a busy box: that stall is gil_wait, blamed on those threads.)
The loop thread's figures come from the heartbeat (schedstat, Linux; elsewhere CPU time only,
and every waiting loop that others outran counts as a GIL wait). Without the watchdog
(attribution off) native is not told apart from on_cpu.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Blame, StallClass

ON_CPU_SHARE = 0.5
RAN_SHARE_OF_WANTED = 0.1
OTHERS_SHARE = 0.25
GIL_WAITER_WAKES_EVERY_S = 0.02
HELD_UP_SHARE = 0.5


@dataclass(frozen=True)
class Evidence:
    measured: float
    """Seconds the CPU figures cover: the window and at most one heartbeat before it."""
    loop_cpu: float
    loop_run_delay: float | None
    """Runnable but not running (a busy box): on-CPU in intent. None where unknown."""
    loop_timeslices: int | None
    """Times the loop thread was put on a CPU. None where unknown."""
    others_cpu: float
    """The rest of the process's CPU seconds."""
    duration: float
    held_up: float = 0.0
    """Seconds the watchdog could not get the GIL beyond what Python code can make it wait."""


def classify(evidence: Evidence) -> tuple[StallClass, Blame]:
    """The class, and whose frames the stall's time goes to."""
    seconds = evidence.measured
    native = evidence.held_up >= HELD_UP_SHARE * evidence.duration
    if evidence.loop_cpu >= ON_CPU_SHARE * seconds:
        return ("native" if native else "on_cpu"), "loop"
    woke_often = (
        evidence.loop_timeslices is None
        or evidence.loop_timeslices >= seconds / GIL_WAITER_WAKES_EVERY_S
    )
    others = evidence.others_cpu
    if (
        woke_often
        and others >= OTHERS_SHARE * (seconds - evidence.loop_cpu)
        and (others >= evidence.loop_cpu)
    ):
        return "gil_wait", "others"
    # Runnable but not running is on-CPU in intent when the loop was burning CPU and a busy box
    # took turns with it. (A loop waiting for the GIL also queues for a CPU, but others ran:
    # see above; an idle loop whose timer fired on a busy box barely ran at all: off_cpu.)
    wanted = evidence.loop_cpu + (evidence.loop_run_delay or 0.0)
    if wanted >= ON_CPU_SHARE * seconds and evidence.loop_cpu >= RAN_SHARE_OF_WANTED * wanted:
        return ("native" if native else "on_cpu"), "loop"
    return "off_cpu", "loop"
