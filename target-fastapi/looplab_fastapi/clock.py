"""Wall-clock timestamps shared by the app and its pool processes (kept free of heavy imports)."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def precise_now() -> float:
    """Epoch milliseconds, fractional; comparable across processes (the process pool's children)."""
    return time.time_ns() / 1e6


def iso(epoch_ms: float | None) -> str | None:
    """JavaScript's Date.toISOString(): UTC, milliseconds, Z."""
    if epoch_ms is None:
        return None
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
