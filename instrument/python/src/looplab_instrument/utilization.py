"""Event-loop utilization: the loop's selector is timed. Time inside select() is the loop waiting
for I/O or a timer (idle); everything else is active (callbacks, request handling, a blocking
task): the same split as Node's performance.eventLoopUtilization().

The running loop's selector is wrapped in place, so this works with the loop uvicorn (or
asyncio.run) already made. asyncio keeps it in the private attribute `_selector`; loops without
one (uvloop, the Windows proactor) have no such hook, and utilization is then not exported.
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Mapping
from selectors import SelectorKey
from typing import Any

_FileObject = Any  # int | HasFileno, as selectors accepts it


class IdleTimingSelector(selectors.BaseSelector):
    """Delegates to the loop's own selector, counting the seconds spent waiting in select()."""

    def __init__(self, inner: selectors.BaseSelector) -> None:
        self.inner = inner
        self.idle_seconds = 0.0
        self.created = time.perf_counter()

    def select(self, timeout: float | None = None) -> list[tuple[SelectorKey, int]]:
        started = time.perf_counter()
        try:
            return self.inner.select(timeout)
        finally:
            self.idle_seconds += time.perf_counter() - started

    def active_seconds(self) -> float:
        return max(0.0, time.perf_counter() - self.created - self.idle_seconds)

    def register(self, fileobj: _FileObject, events: int, data: Any = None) -> SelectorKey:
        return self.inner.register(fileobj, events, data)

    def unregister(self, fileobj: _FileObject) -> SelectorKey:
        return self.inner.unregister(fileobj)

    def modify(self, fileobj: _FileObject, events: int, data: Any = None) -> SelectorKey:
        return self.inner.modify(fileobj, events, data)

    def get_key(self, fileobj: _FileObject) -> SelectorKey:
        return self.inner.get_key(fileobj)

    def get_map(self) -> Mapping[_FileObject, SelectorKey]:
        return self.inner.get_map()

    def close(self) -> None:
        self.inner.close()


def time_selector(loop: asyncio.AbstractEventLoop) -> IdleTimingSelector | None:
    """Wraps the loop's selector (once); None when the loop has no selector to wrap."""
    current = getattr(loop, "_selector", None)
    if isinstance(current, IdleTimingSelector):
        return current
    if not isinstance(current, selectors.BaseSelector):
        return None
    timed = IdleTimingSelector(current)
    loop._selector = timed  # type: ignore[attr-defined]
    return timed


def untime_selector(loop: asyncio.AbstractEventLoop, timed: IdleTimingSelector) -> None:
    if getattr(loop, "_selector", None) is timed:
        loop._selector = timed.inner  # type: ignore[attr-defined]
