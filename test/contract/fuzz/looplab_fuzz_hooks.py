"""Schemathesis hooks for the contract fuzz run (SCHEMATHESIS_HOOKS=looplab_fuzz_hooks).

Valid bodies may ask for up to WORKLOAD_MS.max ms or a kind's maxIterations of work; hundreds of
those would turn a fuzz run into a load test on 2 cores. Before each call, a value inside its
bounds is shrunk to a small value that is still inside them, so valid input stays valid, invalid
input stays invalid, and every check keeps its meaning. Bounds: contract/data/workloads.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import schemathesis

_WORKLOADS = json.loads(
    (Path(__file__).resolve().parents[3] / "contract" / "data" / "workloads.json").read_text()
)
_MS = _WORKLOADS["ms"]
_MIN_ITERATIONS = _WORKLOADS["iterations"]["min"]
_MAX_ITERATIONS = {kind["name"]: kind["maxIterations"] for kind in _WORKLOADS["kinds"]}
_SMALL_MS = 20
_SMALL_ITERATIONS = 3


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shrink(value: Any, low: int, high: int, small: int) -> Any:
    if _is_int(value) and low <= value <= high:
        return min(value, max(low, small))
    if isinstance(value, float) and value.is_integer() and low <= value <= high:
        return float(min(value, max(low, small)))
    return value


def _shrink_query_ms(query: dict[str, Any]) -> None:
    value = query.get("ms")
    if isinstance(value, str) and value.isdigit():
        query["ms"] = str(_shrink(int(value), _MS["min"], _MS["max"], _SMALL_MS))
    else:
        query["ms"] = _shrink(value, _MS["min"], _MS["max"], _SMALL_MS)


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: Any = None) -> None:
    body = case.body
    if isinstance(body, dict):
        if "ms" in body:
            body["ms"] = _shrink(body["ms"], _MS["min"], _MS["max"], _SMALL_MS)
        if "iterations" in body:
            workload = body.get("workload")
            high = _MAX_ITERATIONS.get(workload, 0) if isinstance(workload, str) else 0
            body["iterations"] = _shrink(
                body["iterations"], _MIN_ITERATIONS, high, _SMALL_ITERATIONS
            )
    if isinstance(case.query, dict) and "ms" in case.query:
        _shrink_query_ms(case.query)


@schemathesis.hook
def filter_query(ctx: Any, query: Any) -> bool:
    # A one-item list is sent as ?ms=<item>, the same bytes as the scalar: a "negative" case the
    # API cannot tell from a valid one (seen: [0.0] sent as ?ms=0.0, a valid integer, flagged).
    return not (
        isinstance(query, dict) and isinstance(query.get("ms"), list) and len(query["ms"]) == 1
    )
