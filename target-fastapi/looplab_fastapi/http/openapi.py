"""OpenAPI pieces built from the contract: the background body and the error body."""

from __future__ import annotations

from typing import Any

from ..contract import Contract

ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["statusCode", "error", "message"],
    "properties": {
        "statusCode": {"type": "integer"},
        "error": {"type": "string"},
        "message": {"type": "string"},
        "issues": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "rule"],
                "properties": {"field": {"type": "string"}, "rule": {"type": "string"}},
            },
        },
        "task_id": {"type": "string"},
        "status_url": {"type": "string"},
    },
}


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


def background_body_schema(contract: Contract, faults: tuple[str, ...]) -> dict[str, Any]:
    """The body a strategy accepts; `fault` is documented only when it would be accepted."""
    meanings = "; ".join(
        f"{k.name}: {k.iteration} (max {k.max_iterations})" for k in contract.workloads
    )
    properties: dict[str, Any] = {
        "workload": {"type": "string", "enum": list(contract.workload_names)},
        "ms": {
            "type": "integer",
            "minimum": contract.ms_min,
            "maximum": contract.ms_max,
            "description": "Wall-clock budget in milliseconds (exactly one of ms or iterations).",
        },
        "iterations": {
            "type": "integer",
            "minimum": contract.iterations_min,
            "maximum": max(k.max_iterations for k in contract.workloads),
            "description": f"Fixed amount of work (exactly one of ms or iterations). One iteration is: {meanings}.",
        },
    }
    if faults:
        properties["fault"] = {
            "type": "string",
            "enum": list(faults),
            "description": "Fault injection (LOOPLAB_FAULT_INJECTION=on): throw fails the task, crash kills the pool process.",
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["workload"],
        "properties": properties,
        "oneOf": [{"required": ["ms"]}, {"required": ["iterations"]}],
        # The iteration cap depends on the workload.
        "anyOf": [
            {
                "properties": {
                    "workload": {"const": k.name},
                    "iterations": {"maximum": k.max_iterations},
                }
            }
            for k in contract.workloads
        ],
    }


ACCEPTED_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "strategy", "status_url"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "strategy": {"type": "string"},
        "status_url": {"type": "string"},
    },
}
