"""The background body and /async query rules: the Node app's messages, bounds from the contract."""

from __future__ import annotations

from typing import Any

import pytest

from looplab_fastapi.contract import Contract
from looplab_fastapi.validation import (
    InvalidInputError,
    parse_async_ms,
    parse_task_body,
)
from looplab_fastapi.workloads import WorkloadSpec

pytestmark = pytest.mark.unit


def problems(body: Any, contract: Contract) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInputError) as caught:
        parse_task_body(body, contract)
    return [(issue["field"], issue["rule"]) for issue in caught.value.issues]


@pytest.mark.parametrize("workload", ["cpu", "sleep", "hash"])
def test_accepts_ms_and_iterations_up_to_the_cap(workload: str, contract: Contract) -> None:
    cap = contract.workload(workload).max_iterations
    assert parse_task_body({"workload": workload, "ms": 100}, contract).spec == WorkloadSpec(
        workload, ms=100
    )
    assert parse_task_body({"workload": workload, "iterations": cap}, contract).spec == (
        WorkloadSpec(workload, iterations=cap)
    )


def test_accepts_the_ms_bounds_and_a_fault(contract: Contract) -> None:
    assert parse_task_body({"workload": "cpu", "ms": 0}, contract).spec.ms == 0
    assert parse_task_body({"workload": "cpu", "ms": contract.ms_max}, contract).spec.ms == 10000
    assert (
        parse_task_body({"workload": "cpu", "ms": 5, "fault": "throw"}, contract).fault == "throw"
    )
    # JSON has one number type: 5.0 is the integer 5, as in JavaScript.
    assert parse_task_body({"workload": "cpu", "ms": 5.0}, contract).spec.ms == 5


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"workload": "gpu", "ms": 5}, [("workload", "workload must be one of: cpu, sleep, hash")]),
        ({"ms": 5}, [("workload", "workload must be one of: cpu, sleep, hash")]),
        ({"workload": 7, "ms": 5}, [("workload", "workload must be one of: cpu, sleep, hash")]),
        ({"workload": "cpu"}, [("ms", "exactly one of ms or iterations is required")]),
        (
            {"workload": "cpu", "ms": 5, "iterations": 5},
            [("iterations", "exactly one of ms or iterations is required")],
        ),
        ({"workload": "sleep", "ms": -1}, [("ms", "ms must be between 0 and 10000")]),
        ({"workload": "sleep", "ms": 10001}, [("ms", "ms must be between 0 and 10000")]),
        ({"workload": "cpu", "iterations": 0}, [("iterations", "iterations must be at least 1")]),
        ({"workload": "cpu", "iterations": -3}, [("iterations", "iterations must be at least 1")]),
        ({"workload": "cpu", "ms": 1.5}, [("ms", "ms must be an integer")]),
        ({"workload": "cpu", "iterations": 2.5}, [("iterations", "iterations must be an integer")]),
        ({"workload": "cpu", "ms": "5"}, [("ms", "ms must be a number")]),
        ({"workload": "cpu", "iterations": "5"}, [("iterations", "iterations must be a number")]),
        ({"workload": "cpu", "ms": None}, [("ms", "ms must be a number")]),
        ({"workload": "cpu", "ms": True}, [("ms", "ms must be a number")]),
        (
            {"workload": "cpu", "ms": 5, "fault": "explode"},
            [("fault", "fault must be one of: throw, crash")],
        ),
        (
            {"workload": "cpu", "ms": 5, "seconds": 3, "extra": True},
            [("body", "unknown field(s): seconds, extra")],
        ),
        (
            {"workload": "hash", "iterations": 20001},
            [("iterations", "iterations must be between 1 and 20000 for workload hash")],
        ),
        ([{"workload": "cpu", "ms": 5}], [("body", "body must be a JSON object")]),
        (None, [("body", "body must be a JSON object")]),
    ],
)
def test_rejected_bodies_name_the_field_and_rule(
    body: Any, expected: list[tuple[str, str]], contract: Contract
) -> None:
    assert problems(body, contract) == expected


@pytest.mark.parametrize("workload", ["cpu", "sleep", "hash"])
def test_rejects_iterations_over_each_cap(workload: str, contract: Contract) -> None:
    cap = contract.workload(workload).max_iterations
    assert problems({"workload": workload, "iterations": cap + 1}, contract) == [
        ("iterations", f"iterations must be between 1 and {cap} for workload {workload}")
    ]


def test_the_cap_is_per_workload(contract: Contract) -> None:
    count = contract.workload("hash").max_iterations + 1
    assert parse_task_body({"workload": "cpu", "iterations": count}, contract)
    assert problems({"workload": "hash", "iterations": count}, contract)[0][0] == "iterations"


@pytest.mark.parametrize(("raw", "ms"), [([], 0), (["0"], 0), (["40"], 40), (["1.0"], 1)])
def test_async_query_accepts_plain_decimals(raw: list[str], ms: int, contract: Contract) -> None:
    assert parse_async_ms(raw, contract) == ms


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (["abc"], "ms must be a number"),
        ([""], "ms must be a number"),
        (["0x10"], "ms must be a number"),
        (["1e1"], "ms must be a number"),
        (["-5"], "ms must be between 0 and 10000"),
        (["10001"], "ms must be between 0 and 10000"),
        (["1.5"], "ms must be an integer"),
        (["1", "2"], "ms must be one number"),
    ],
)
def test_async_query_rejects(raw: list[str], rule: str, contract: Contract) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_async_ms(raw, contract)
    assert caught.value.issues == [{"field": "ms", "rule": rule}]
