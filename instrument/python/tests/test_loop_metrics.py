"""The lag sampler's resolution, as documented: an injected synchronous block of 300 ms reads
300 ms +/- (5 % + 2 ms) in nodejs_eventloop_delay_window_max_seconds; an idle loop reads ~0;
the utilization counter counts the block as active time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry

from looplab_instrument import Instrument, Settings
from looplab_instrument._contract import CONTRACT
from looplab_instrument.loop_delay import WindowMax

pytestmark = pytest.mark.unit

BLOCK_S = 0.3
TOLERANCE_S = 0.05 * BLOCK_S + 0.002


def _value(registry: CollectorRegistry, name: str) -> float:
    value = registry.get_sample_value(name)
    assert value is not None, name
    return value


def _name(key: str) -> str:
    return str(CONTRACT["metrics"][key]["name"])


def _run(scenario: str) -> dict[str, float]:
    registry = CollectorRegistry()
    metrics = Instrument(Settings(resolution_ms=5, window_s=10, attribution=False), registry)
    names = {k: _name(k) for k in ("eventLoopDelayWindowMax", "eventLoopActive")}

    async def main() -> dict[str, float]:
        metrics.start()
        await asyncio.sleep(0.2)
        idle_max = _value(registry, names["eventLoopDelayWindowMax"])
        active_before = _value(registry, names["eventLoopActive"])
        if scenario == "block":
            time.sleep(BLOCK_S)  # noqa: ASYNC251 - the synchronous block being measured
        await asyncio.sleep(0.05)
        result = {
            "idle_max": idle_max,
            "window_max": _value(registry, names["eventLoopDelayWindowMax"]),
            "active": _value(registry, names["eventLoopActive"]) - active_before,
            "count": _value(registry, _name("eventLoopDelay") + "_count"),
        }
        await metrics.stop()
        return result

    # The loop asyncio.run makes: its selector is timed in place, as under uvicorn.
    return asyncio.run(main())


def _best_of_three(scenario: str, ok: Callable[[dict[str, float]], bool]) -> None:
    # Other processes on a shared box only ever add delay (the OS did not run the loop);
    # the sampler's own resolution shows in a round they leave alone.
    rounds = []
    for _ in range(3):
        seen = _run(scenario)
        if ok(seen):
            return
        rounds.append(seen)
    pytest.fail(f"{scenario}: no round within bounds: {rounds}")


def test_an_injected_300_ms_block_reads_300_ms() -> None:
    _best_of_three(
        "block",
        lambda seen: (
            abs(seen["window_max"] - BLOCK_S) <= TOLERANCE_S
            and seen["active"] >= BLOCK_S - TOLERANCE_S
        ),
    )


def test_an_idle_loop_reads_near_zero_and_keeps_sampling() -> None:
    # 0.25 s at one sample per 5 ms: far more than a handful, never reset by a read.
    _best_of_three(
        "idle",
        lambda seen: (
            seen["idle_max"] < 0.02
            and seen["window_max"] < 0.02
            and seen["active"] < 0.05
            and seen["count"] >= 20
        ),
    )


def test_window_max_forgets_what_is_older_than_the_window() -> None:
    window = WindowMax(window_s=2)
    window.add(100.2, 0.5)
    window.add(101.5, 0.1)
    assert window.current(101.9) == 0.5
    assert window.current(102.9) == 0.5
    assert window.current(103.1) == 0.1
    assert window.current(104.0) == 0.0
