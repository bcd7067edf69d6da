"""Keeps off-loop work off the event loop's core when the runner pins the app.

The compare runner starts the app on the off-loop CPUs, then moves only the main thread (the
event loop) to a core of its own (`taskset -p`, lab/src/run/pinning.ts). A thread or process
created later by the main thread inherits the main thread's core, so pool workers would share
it with the loop. Every worker therefore resets itself to the CPUs the process started with.
Without pinning this changes nothing.
"""

from __future__ import annotations

import os

STARTUP_CPUS: frozenset[int] = frozenset(os.sched_getaffinity(0))


def keep_off_loop(cpus: frozenset[int] = STARTUP_CPUS) -> None:
    """Runs in a worker thread or process: back to the start-up CPUs if it inherited fewer."""
    if frozenset(os.sched_getaffinity(0)) != cpus:
        os.sched_setaffinity(0, cpus)
