"""Reading GET /looplab/stalls answers the way a report does: shares of stalled time."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

Stall = dict[str, Any]


def stalled_ms(stalls: list[Stall]) -> float:
    return sum(float(stall["durationMs"]) for stall in stalls)


def leaf_shares(stalls: list[Stall]) -> list[tuple[str, str, float]]:
    """(thread, leaf function, share of the stalled time), heaviest first."""
    total = stalled_ms(stalls)
    weights: Counter[tuple[str, str]] = Counter()
    for stall in stalls:
        for stack in stall["stacks"]:
            leaf = stack["frames"][-1]["function"] if stack["frames"] else "(none)"
            weights[(stack["thread"], leaf)] += stack["weightMs"]
    return [(thread, leaf, weight / total) for (thread, leaf), weight in weights.most_common()]


def functions_of(stall: Stall) -> set[tuple[str, str]]:
    """(thread, function) of every frame of every stack."""
    return {
        (stack["thread"], frame["function"])
        for stack in stall["stacks"]
        for frame in stack["frames"]
    }


@contextmanager
def probing(url: str, every_s: float = 0.01) -> Iterator[list[float]]:
    """GET /ping every `every_s` from another thread while the block runs: the other requests."""
    latencies: list[float] = []
    stop = threading.Event()

    def run() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                sent = time.perf_counter()
                client.get("/ping")
                latencies.append(time.perf_counter() - sent)
                stop.wait(every_s)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield latencies
    finally:
        stop.set()
        thread.join(30)


def in_one_of_three(
    measure: Callable[[], list[Stall]], check: Callable[[list[Stall]], None]
) -> None:
    """Runs `measure` until `check` passes, at most three times. On a shared box a neighbour can
    stall the whole process (or starve one thread) in any round; the claim must show in one."""
    failures: list[str] = []
    for _ in range(3):
        stalls = measure()
        try:
            check(stalls)
            return
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:300])
    raise AssertionError("no round passed:\n" + "\n".join(failures))
