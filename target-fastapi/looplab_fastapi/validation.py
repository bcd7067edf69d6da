"""Validation of the strategies' inputs, with the Node app's rules and messages (issues name the
field and the rule; values out of range are rejected, never clipped). Bounds: the contract."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .contract import Contract
from .http.errors import Issue
from .workloads import WorkloadSpec

_QUERY_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FIELDS = ("workload", "ms", "iterations", "fault")


@dataclass(frozen=True)
class TaskRequest:
    spec: WorkloadSpec
    fault: str | None = None


class InvalidInputError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i['field']}: {i['rule']}" for i in issues))
        self.issues = issues


def _is_number(value: Any) -> bool:
    # JSON true/false arrive as bool, which Python counts as int: they are not numbers here.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer_issues(field: str, value: Any, low: int, high: int | None) -> list[Issue]:
    """The checks of zod's number().int().min().max(), each failed one an issue."""
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return [{"field": field, "rule": f"{field} must be a number"}]
    issues: list[Issue] = []
    if isinstance(value, float) and not value.is_integer():
        issues.append({"field": field, "rule": f"{field} must be an integer"})
    out_of_range = value < low or (high is not None and value > high)
    if out_of_range:
        rule = (
            f"{field} must be between {low} and {high}"
            if high is not None
            else f"{field} must be at least {low}"
        )
        issues.append({"field": field, "rule": rule})
    return issues


def parse_task_body(body: Any, contract: Contract) -> TaskRequest:
    """A background request body -> TaskRequest, or InvalidInputError naming every broken rule."""
    if not isinstance(body, dict):
        raise InvalidInputError([{"field": "body", "rule": "body must be a JSON object"}])
    kinds = contract.workload_names
    issues: list[Issue] = []
    workload = body.get("workload")
    if workload not in kinds:
        issues.append({"field": "workload", "rule": f"workload must be one of: {', '.join(kinds)}"})
    if "ms" in body:
        issues += _integer_issues("ms", body["ms"], contract.ms_min, contract.ms_max)
    if "iterations" in body:
        issues += _integer_issues("iterations", body["iterations"], contract.iterations_min, None)
    fault = body.get("fault")
    if "fault" in body and fault not in contract.faults:
        issues.append(
            {"field": "fault", "rule": f"fault must be one of: {', '.join(contract.faults)}"}
        )
    unknown = [key for key in body if key not in _FIELDS]
    if unknown:
        issues.append({"field": "body", "rule": f"unknown field(s): {', '.join(unknown)}"})
    if issues:
        raise InvalidInputError(issues)
    # Cross-field rules, once every field is valid on its own (as zod's superRefine).
    has_ms, has_iterations = "ms" in body, "iterations" in body
    if has_ms == has_iterations:
        field = "iterations" if has_ms else "ms"
        issues.append({"field": field, "rule": "exactly one of ms or iterations is required"})
    cap = contract.workload(str(workload)).max_iterations
    if has_iterations and body["iterations"] > cap:
        issues.append(
            {
                "field": "iterations",
                "rule": f"iterations must be between 1 and {cap} for workload {workload}",
            }
        )
    if issues:
        raise InvalidInputError(issues)
    spec = (
        WorkloadSpec(str(workload), ms=int(body["ms"]))
        if has_ms
        else WorkloadSpec(str(workload), iterations=int(body["iterations"]))
    )
    return TaskRequest(spec=spec, fault=str(fault) if fault is not None else None)


def parse_async_ms(values: list[str], contract: Contract) -> int:
    """GET /async?ms=N: a plain decimal number, an integer in the workload ms bounds, default 0."""
    if not values:
        return 0
    if len(values) > 1:
        raise InvalidInputError([{"field": "ms", "rule": "ms must be one number"}])
    raw = values[0]
    if not _QUERY_NUMBER.match(raw):
        raise InvalidInputError([{"field": "ms", "rule": "ms must be a number"}])
    number = float(raw)
    issues = _integer_issues(
        "ms", int(number) if number.is_integer() else number, contract.ms_min, contract.ms_max
    )
    if issues:
        raise InvalidInputError(issues)
    return int(number)
