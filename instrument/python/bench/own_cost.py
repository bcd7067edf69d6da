"""The instrument's own work, measured where a loaded machine disturbs it least: the CPU time of
one heartbeat (timed over many calls), and the watchdog thread's CPU time (its own clock) while
the loop is kept busy turning about once a millisecond.

    python instrument/python/bench/own_cost.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from prometheus_client import CollectorRegistry

from looplab_instrument import Instrument, Settings
from looplab_instrument.thread_clock import cpu_seconds

BEATS = 20_000
BEATS_PER_S = 100


async def measure(seconds: float) -> None:
    instrument = Instrument(Settings(attribution=True), CollectorRegistry())
    instrument.start()
    heartbeat = instrument.stalls.heartbeat
    started = time.thread_time()
    for _ in range(BEATS):
        heartbeat._beat()
        if heartbeat._handle is not None:
            heartbeat._handle.cancel()
    per_beat = (time.thread_time() - started) / BEATS
    heartbeat.last = (heartbeat.last[0], time.monotonic())  # the next real beat is not a stall
    heartbeat._handle = asyncio.get_running_loop().call_later(heartbeat.interval, heartbeat._beat)
    watchdog = instrument.stalls._watchdog
    assert watchdog is not None
    await asyncio.sleep(0.2)
    watchdog_id = watchdog.native_id
    assert watchdog_id is not None
    before = cpu_seconds(watchdog_id) or 0.0
    busy_until = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < busy_until:
        for _ in range(20_000):
            x += 1
        await asyncio.sleep(0)
    used = (cpu_seconds(watchdog_id) or 0.0) - before
    await instrument.stop()
    print(
        f"heartbeat: {per_beat * 1e6:.1f} us CPU per beat, "
        f"{per_beat * BEATS_PER_S * 100:.3f} % of a core at {BEATS_PER_S} beats/s"
    )
    print(
        f"watchdog: {used * 1000:.1f} ms CPU in {seconds:.0f} s, {used / seconds * 100:.3f} % of a core"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    asyncio.run(measure(parser.parse_args().seconds))


if __name__ == "__main__":
    main()
