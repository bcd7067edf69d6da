"""The middleware on a plain Starlette service under uvicorn's default loop, with real requests:
each kind of block gets its honest class and names the function that caused it.

Shares and classes hold on a shared 2-core box: another process can only take CPU away from
the loop or the pool thread, which the classes account for (run delay counts as on-CPU), and
the assertions bound shares, never timings that only an idle machine gives.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from .service_process import ServiceProcess
from .stall_reading import functions_of, in_one_of_three, leaf_shares, probing, stalled_ms

BLOCK_MS = 300


@pytest.fixture(scope="module")
def service() -> Iterator[ServiceProcess]:
    process = ServiceProcess()
    yield process
    assert process.stop() == -signal.SIGTERM


@pytest.fixture(scope="module")
def sensitive() -> Iterator[ServiceProcess]:
    """A lower threshold, so the short stalls GIL contention makes are all recorded."""
    process = ServiceProcess(
        {"LOOPLAB_STALL_THRESHOLD_MS": "20", "LOOPLAB_STALL_SAMPLE_INTERVAL_MS": "2"}
    )
    yield process
    assert process.stop() == -signal.SIGTERM


def _stalls_during(
    service: ServiceProcess, path: str, times: int = 2, at_once: int = 1
) -> list[dict[str, object]]:
    cursor = service.stalls()["next"]
    with probing(service.url), ThreadPoolExecutor(at_once) as clients:
        for _ in range(times):
            answers = list(clients.map(lambda _: service.client.get(path), range(at_once)))
            assert all(answer.status_code == 200 for answer in answers), answers
    stalls: list[dict[str, object]] = service.stalls(since=cursor)["stalls"]
    return stalls


def _summary(stalls: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(stall["class"], stall["durationMs"]) for stall in stalls]


def test_cpu_on_the_loop_is_on_cpu_and_names_the_burning_function(
    service: ServiceProcess,
) -> None:
    def check(stalls: list[dict[str, object]]) -> None:
        assert stalled_ms(stalls) >= 2 * BLOCK_MS * 0.9, _summary(stalls)
        on_cpu = [stall for stall in stalls if stall["class"] == "on_cpu"]
        assert stalled_ms(on_cpu) >= 0.8 * stalled_ms(stalls), _summary(stalls)
        thread, leaf, share = leaf_shares(stalls)[0]
        assert (thread, leaf) == ("MainThread", "burn_cpu") and share >= 0.8, leaf_shares(stalls)
        assert all(float(str(stall["cpuMs"])) > 0 for stall in on_cpu)

    in_one_of_three(lambda: _stalls_during(service, f"/block/cpu?ms={BLOCK_MS}"), check)


def test_sleep_on_the_loop_is_off_cpu_and_names_its_caller(service: ServiceProcess) -> None:
    def check(stalls: list[dict[str, object]]) -> None:
        off_cpu = [stall for stall in stalls if stall["class"] == "off_cpu"]
        assert stalled_ms(off_cpu) >= 0.8 * stalled_ms(stalls), _summary(stalls)
        thread, leaf, share = leaf_shares(stalls)[0]
        # time.sleep is C: the leaf Python frame is its caller, under the endpoint that called it.
        assert (thread, leaf) == ("MainThread", "nap") and share >= 0.8, leaf_shares(stalls)
        assert ("MainThread", "block_sleep") in functions_of(off_cpu[0])

    in_one_of_three(lambda: _stalls_during(service, f"/block/sleep?ms={BLOCK_MS}"), check)


def test_awaiting_records_no_stall_of_its_own(service: ServiceProcess) -> None:
    def check(stalls: list[dict[str, object]]) -> None:
        assert stalled_ms(stalls) < 0.5 * BLOCK_MS, _summary(stalls)

    def measure() -> list[dict[str, object]]:
        stalls = _stalls_during(service, f"/async?ms={BLOCK_MS}", times=3)
        assert not any(("MainThread", "wait_async") in functions_of(stall) for stall in stalls)
        return stalls

    in_one_of_three(measure, check)


def test_cpu_in_a_thread_pool_is_a_gil_wait_blamed_on_the_pool_thread(
    sensitive: ServiceProcess,
) -> None:
    def check(stalls: list[dict[str, object]]) -> None:
        gil_waits = [stall for stall in stalls if stall["class"] == "gil_wait"]
        assert gil_waits, _summary(stalls)
        assert stalled_ms(gil_waits) >= 0.5 * stalled_ms(stalls), _summary(stalls)
        for stall in gil_waits:
            assert not any(thread == "MainThread" for thread, _ in functions_of(stall)), stall
        # Both pool threads (asyncio's default executor) burn: their shares add up.
        pool_burn = sum(
            share
            for thread, leaf, share in leaf_shares(gil_waits)
            if thread.startswith("asyncio_") and leaf == "burn_cpu"
        )
        assert pool_burn >= 0.8, leaf_shares(gil_waits)

    # Two jobs at once: the loop then waits behind two GIL holders, past the 20 ms threshold.
    in_one_of_three(
        lambda: _stalls_during(sensitive, "/thread/cpu?ms=600", times=2, at_once=2), check
    )


def test_native_code_that_keeps_the_gil_is_native(service: ServiceProcess) -> None:
    def check(stalls: list[dict[str, object]]) -> None:
        assert stalls, "sum(range(2e7)) takes 0.2-0.5 s: it must stall the loop"
        longest = max(stalls, key=lambda stall: float(str(stall["durationMs"])))
        assert longest["class"] == "native", _summary(stalls)

    in_one_of_three(lambda: _stalls_during(service, "/block/native?count=20000000"), check)


def test_the_window_of_an_injected_block_and_its_samples_agree(service: ServiceProcess) -> None:
    cursor = service.stalls()["next"]
    block = service.client.get(f"/block/cpu?ms={BLOCK_MS}").json()
    stalls = service.stalls(since=cursor)["stalls"]
    window = max(stalls, key=lambda stall: stall["durationMs"])
    overlap = min(window["endMs"], block["endMs"]) - max(window["startMs"], block["startMs"])
    assert overlap >= 0.9 * (block["endMs"] - block["startMs"]), (window, block)
    assert overlap >= 0.9 * window["durationMs"], (window, block)
    weights = sum(stack["weightMs"] for stack in window["stacks"])
    assert window["samples"] >= 5 and weights == pytest.approx(window["durationMs"], rel=0.01)
