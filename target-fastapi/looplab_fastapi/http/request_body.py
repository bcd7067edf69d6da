"""Reads a JSON request body the way the Node app's Fastify parser does: size limit, media type."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .errors import ApiError

# The Node app's Fastify parser: JSON is parsed, form bodies become string fields, anything else is 415.
_FORM = "application/x-www-form-urlencoded"

NO_BODY = object()


def too_large(max_bytes: int) -> ApiError:
    return ApiError(
        413,
        "request body is too large",
        [{"field": "body", "rule": f"must be at most {max_bytes} bytes"}],
    )


def malformed() -> ApiError:
    return ApiError(
        400, "malformed JSON body", [{"field": "body", "rule": "must be valid, non-empty JSON"}]
    )


def unsupported() -> ApiError:
    return ApiError(
        415,
        "unsupported content type",
        [{"field": "content-type", "rule": "must be application/json"}],
    )


async def _read_limited(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _is_json(media_type: str) -> bool:
    # As Fastify's JSON parser in the Node app: application/json only, a +json type is a 415.
    return media_type == "application/json"


def _not_json(constant: str) -> Any:
    # json.loads takes NaN and +/-Infinity; JSON (and the Node app's JSON.parse) does not.
    raise ValueError(f"{constant} is not JSON")


async def read_json_body(request: Request, max_bytes: int) -> Any:
    """The parsed body, or NO_BODY for a request without body and content type."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await _read_limited(request, max_bytes)
    if not media_type:
        if raw:
            raise unsupported()
        return NO_BODY
    if media_type == _FORM:
        return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    if not _is_json(media_type):
        raise unsupported()
    if not raw.strip():
        raise malformed()
    try:
        return json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError too
        raise malformed() from error
