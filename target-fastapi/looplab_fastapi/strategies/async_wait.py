"""`async`: the handler awaits non-blocking I/O (a timer) for ms, then answers with its timings."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ..clock import iso, precise_now


async def wait_async(ms: int) -> dict[str, Any]:
    started, clock = precise_now(), time.perf_counter()
    await asyncio.sleep(ms / 1000)
    elapsed_ms = (time.perf_counter() - clock) * 1000
    return {
        "strategy": "async",
        "ms": ms,
        "started_at": iso(started),
        "finished_at": iso(started + elapsed_ms),
        "elapsed_ms": round(elapsed_ms, 3),
    }
