"""GET /looplab/stalls and the metrics, as a user's service serves them through the middleware."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest

from looplab_instrument._contract import CONTRACT
from looplab_instrument.stalls.log import Header, StallLog

from .service_process import ServiceProcess

NAMES = {key: metric["name"] for key, metric in CONTRACT["metrics"].items()}
CLASSES = ("on_cpu", "off_cpu", "gil_wait", "native")


@pytest.fixture(scope="module")
def service() -> Iterator[ServiceProcess]:
    process = ServiceProcess()
    yield process
    assert process.stop() == -signal.SIGTERM


def test_the_answer_has_the_contracts_shape_and_a_cursor(service: ServiceProcess) -> None:
    empty = service.stalls()
    assert {k: empty[k] for k in ("schemaVersion", "runtime", "attribution", "dropped")} == {
        "schemaVersion": 1,
        "runtime": "python",
        "attribution": True,
        "dropped": 0,
    }
    assert (empty["thresholdMs"], empty["sampleIntervalMs"]) == (50, 5)
    service.client.get("/block/sleep?ms=120")
    answer = service.stalls(since=empty["next"])
    assert answer["next"] == empty["next"] + len(answer["stalls"]) >= empty["next"] + 1
    stall = answer["stalls"][0]
    assert set(stall) == {
        "seq", "startMs", "endMs", "durationMs", "class", "cpuMs", "samples", "stacks"
    }  # fmt: skip
    assert stall["seq"] == empty["next"] and stall["class"] in CLASSES
    assert stall["endMs"] - stall["startMs"] == pytest.approx(stall["durationMs"], abs=0.01)
    stack = stall["stacks"][0]
    assert set(stack) == {"thread", "weightMs", "frames"}
    assert all(set(frame) == {"function", "file", "line"} for frame in stack["frames"])
    # Absolute paths, or the interpreter's own names for frozen modules ("<frozen runpy>").
    assert all(frame["line"] >= 1 for frame in stack["frames"])
    assert all(frame["file"][0] in "/<" for frame in stack["frames"])
    assert service.stalls(since=answer["next"])["stalls"] == []


def test_bad_requests_are_clear_errors(service: ServiceProcess) -> None:
    bad = service.client.get("/looplab/stalls", params={"since": "-1"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]
    wrong = service.client.post("/looplab/stalls")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD"
    head = service.client.head("/looplab/stalls")
    assert head.status_code == 200 and head.content == b""


def test_the_metrics_use_the_contracts_names_with_every_class_from_the_start(
    service: ServiceProcess,
) -> None:
    text = service.client.get("/metrics").text
    for stall_class in CLASSES:
        assert f'{NAMES["eventLoopStalls"]}{{class="{stall_class}"}}' in text
        assert f'{NAMES["eventLoopStalledSeconds"]}{{class="{stall_class}"}}' in text
    assert f"{NAMES['eventLoopStallThreshold']} 0.05" in text
    for key in ("eventLoopDelayWindowMax", "eventLoopDelayWindow", "eventLoopActive"):
        assert f"\n{NAMES[key]} " in text, key
    assert f"{NAMES['eventLoopDelay']}_bucket" in text


def test_with_attribution_off_stalls_are_counted_and_listed_without_stacks() -> None:
    service = ServiceProcess({"LOOPLAB_ATTRIBUTION": "off"})
    try:
        service.client.get("/block/cpu?ms=150")
        answer = service.stalls()
        assert answer["attribution"] is False
        assert answer["stalls"] and all(s["stacks"] == [] for s in answer["stalls"])
        assert answer["stalls"][0]["class"] == "on_cpu"
        assert (
            f'{NAMES["eventLoopStalls"]}{{class="on_cpu"}} 1.0'
            in service.client.get("/metrics").text
        )
        assert not any("looplab-stall-watchdog" in line for line in service.lines)
    finally:
        assert service.stop() == -signal.SIGTERM


def test_the_log_is_bounded_and_counts_what_nobody_read() -> None:
    log = StallLog(Header(True, 50, 5), capacity=3)
    for n in range(2):
        log.add({"n": n})
    assert [s["seq"] for s in json.loads(log.answer())["stalls"]] == [0, 1]
    for n in range(2, 6):
        log.add({"n": n})
    answer = json.loads(log.answer(since=1))
    # 0 and 1 were read before they went; 2 was evicted unread.
    assert [s["seq"] for s in answer["stalls"]] == [3, 4, 5]
    assert (answer["dropped"], answer["next"]) == (1, 6)
