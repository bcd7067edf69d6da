"""What one thread of this process did with its time: CPU, and (Linux) waiting to run.

Two sources, measured against each other on a thread burning CPU on another core: they agree
within 0.05 ms, so the choice is about what each costs and gives.
- `cpu_seconds`: clock_gettime on the thread's CPU clock, built from its kernel thread id.
  ~1 us, and it does NOT release the GIL, so the watchdog reads every thread's clock inside one
  sample without handing the GIL to the loop in between. (pthread_getcpuclockid would need a
  pthread_t, which must not be used once its thread has ended; a stale kernel id only makes
  clock_gettime fail.)
- `schedstat`: /proc/self/task/<tid>/schedstat, CPU time plus run delay (runnable but not
  running: the box was busy) and the number of times the thread was put on a CPU. A Python file
  read releases the GIL; `SchedStatReader` reads it keeping the GIL (the heartbeat reads the
  loop's every 10 ms: with os.pread it would hand the GIL to any thread waiting for it, and
  then wait up to a switch interval to get it back, each time).
"""

from __future__ import annotations

import ctypes
import os
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
    """Once, from any thread (releases the GIL while it reads)."""
    try:
        with open(f"/proc/self/task/{native_id}/schedstat", "rb") as file:
            return _parse(file.read())
    except OSError:
        return None


def _parse(raw: bytes) -> SchedStat | None:
    try:
        cpu, run_delay, timeslices = raw.split()[:3]
        return SchedStat(int(cpu) / 1e9, int(run_delay) / 1e9, int(timeslices))
    except ValueError:
        return None


class SchedStatReader:
    """One thread's schedstat, read again and again through one open file, keeping the GIL."""

    def __init__(self, native_id: int) -> None:
        self._fd: int | None = None
        self._buffer = ctypes.create_string_buffer(128)
        try:
            # PyDLL: ctypes calls into libc without releasing the GIL.
            self._pread = ctypes.PyDLL(None).pread
            self._pread.restype = ctypes.c_ssize_t
            self._pread.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_long)
            self._fd = os.open(f"/proc/self/task/{native_id}/schedstat", os.O_RDONLY)
        except (OSError, AttributeError):
            self._fd = None

    def read(self) -> SchedStat | None:
        if self._fd is None:
            return None
        count = self._pread(self._fd, self._buffer, len(self._buffer) - 1, 0)
        return _parse(self._buffer.raw[:count]) if count > 0 else None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
