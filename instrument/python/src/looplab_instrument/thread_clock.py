"""What one thread of this process did with its time: CPU, and (Linux) waiting to run.

Two sources, measured against each other on a thread burning CPU on another core: they agree
within 0.05 ms, so the choice is about what each costs and gives.
- `cpu_seconds`: clock_gettime on the thread's CPU clock, built from its kernel thread id.
  ~1 us, and it does NOT release the GIL, so the watchdog reads every thread's clock inside one
  sample without handing the GIL to the loop in between. (pthread_getcpuclockid would need a
  pthread_t, which must not be used once its thread has ended; a stale kernel id only makes
  clock_gettime fail.)
- `schedstat`: /proc/self/task/<tid>/schedstat, CPU time plus run delay (runnable but not
  running: the box was busy) and the number of times the thread was put on a CPU. A file read
  releases the GIL, so it is read only at the edges of a stall window.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

_LINUX = sys.platform.startswith("linux")
# Linux's encoding of a thread's CPU clock (MAKE_THREAD_CPUCLOCK in glibc and the kernel's
# posix-cpu-timers): the bitwise complement of the thread id, shifted by 3, | PERTHREAD | SCHED.
_CPUCLOCK_PERTHREAD_SCHED = 0b110


def cpu_seconds(native_id: int) -> float | None:
    """The thread's CPU time, or None (not Linux, or the thread has ended)."""
    if not _LINUX:
        return None
    try:
        return time.clock_gettime((~native_id << 3) | _CPUCLOCK_PERTHREAD_SCHED)
    except OSError:
        return None


@dataclass(frozen=True)
class SchedStat:
    cpu: float
    """Seconds on a CPU."""
    run_delay: float
    """Seconds runnable but waiting for a CPU (not: sleeping, waiting for a lock or the GIL)."""
    timeslices: int
    """Times the thread was put on a CPU: a thread waiting for the GIL wakes every switch interval."""


def schedstat(native_id: int) -> SchedStat | None:
    try:
        with open(f"/proc/self/task/{native_id}/schedstat", "rb") as file:
            cpu, run_delay, timeslices = file.read().split()[:3]
    except (OSError, ValueError):
        return None
    return SchedStat(int(cpu) / 1e9, int(run_delay) / 1e9, int(timeslices))
