"""What the watchdog records while the loop is late."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Frame = tuple[str, str, int]
"""function (qualified name), file, line (1-based)."""
Stack = tuple[Frame, ...]
"""Root first, leaf last."""

StallClass = Literal["on_cpu", "off_cpu", "gil_wait", "native"]
STALL_CLASSES: tuple[StallClass, ...] = ("on_cpu", "off_cpu", "gil_wait", "native")

Blame = Literal["loop", "others"]
"""Whose frames a stall's time goes to: the loop thread's, or the other threads that ran."""


@dataclass(frozen=True)
class ThreadStack:
    thread: str
    stack: Stack
    cpu: float
    """CPU seconds the thread used since the previous sample."""


@dataclass(frozen=True)
class Sample:
    at: float
    """time.monotonic() when it was taken."""
    loop: ThreadStack | None
    others: tuple[ThreadStack, ...]
    """Threads other than the loop's and the watchdog's that used CPU since the previous sample."""
