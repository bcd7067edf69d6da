"""The one error body shape every endpoint returns, and the handlers that produce it.

FastAPI's own defaults (422 with a `detail` list, `{"detail": "Not Found"}`) are replaced so a
client sees the same body and status codes from this app as from the Node one.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, TypedDict

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .head import with_head

logger = logging.getLogger("looplab_fastapi")

# Node's reason phrases where Python's differ (Python 3.11 says "Request Entity Too Large").
_REASON_OVERRIDES = {413: "Payload Too Large"}


class Issue(TypedDict):
    field: str
    rule: str


def reason(status: int) -> str:
    if status in _REASON_OVERRIDES:
        return _REASON_OVERRIDES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiError(Exception):
    """An answer other than success: its status, message and (for client mistakes) issues."""

    def __init__(
        self,
        status: int,
        message: str,
        issues: list[Issue] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.issues = issues
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "statusCode": self.status,
            "error": reason(self.status),
            "message": self.message,
        }
        if self.issues:
            body["issues"] = self.issues
        if self.extra:
            body.update(self.extra)
        return body


def bad_request(message: str, issues: list[Issue]) -> ApiError:
    return ApiError(400, message, issues)


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        message = f"Cannot {request.method} {request.url.path}"
    elif status == 405:
        allow = with_head((exc.headers or {}).get("Allow", ""))
        message = f"{request.method} is not allowed on {request.url.path}; allowed: {allow}"
        return error_response(ApiError(status, message, headers={"Allow": allow}))
    else:
        message = str(exc.detail) if exc.detail else reason(status)
    return error_response(ApiError(status, message, headers=dict(exc.headers or {})))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues: list[Issue] = [
        {
            "field": ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0]),
            "rule": str(error["msg"]),
        }
        for error in exc.errors()
    ]
    return error_response(bad_request("invalid request", issues))


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # A real fault: logged with its stack, answered without leaking anything.
    logger.error("unhandled error", exc_info=exc)
    return error_response(ApiError(500, "internal server error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
