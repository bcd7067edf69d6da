"""The instrument as one ASGI middleware, for FastAPI, Starlette or any ASGI app:

    app.add_middleware(LooplabMiddleware)                      # FastAPI / Starlette
    app = LooplabMiddleware(app, instrument=Instrument(...))  # any ASGI app

It starts the instrument when the server's lifespan starts (or on the first request, if the
server runs without lifespan), stops it at shutdown, and answers GET /looplab/stalls itself,
before any other middleware: no span, no HTTP metric, nothing of the app runs for it. With
`metrics_path` set it also serves the registry as Prometheus text (for an app without /metrics).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from .instrument import Instrument

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STALLS_PATH = "/looplab/stalls"
_ALLOWED = "GET, HEAD"


class BadCursorError(ValueError):
    pass


def parse_since(query_string: bytes) -> int | None:
    values = parse_qs(query_string.decode("latin-1")).get("since")
    if not values:
        return None
    raw = values[-1]
    if not raw.isdigit():
        raise BadCursorError(f'since="{raw}": must be a non-negative integer (a previous "next")')
    return int(raw)


async def _respond(
    send: Send, scope: Scope, status: int, body: bytes, *, content_type: str, extra: list[Any]
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _error(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


class LooplabMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        instrument: Instrument | None = None,
        *,
        registry: CollectorRegistry | None = REGISTRY,
        stalls_path: str = STALLS_PATH,
        metrics_path: str | None = None,
    ) -> None:
        self.app = app
        self.registry = registry
        self.instrument = instrument if instrument is not None else Instrument(registry=registry)
        self.stalls_path = stalls_path
        self.metrics_path = metrics_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._starting(receive), self._stopping(send))
            return
        if scope["type"] == "http":
            self.instrument.start()
            if scope["path"] == self.stalls_path:
                await self._stalls(scope, send)
                return
            if self.metrics_path is not None and scope["path"] == self.metrics_path:
                await self._metrics(scope, send)
                return
        await self.app(scope, receive, send)

    def _starting(self, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.instrument.start()
            return message

        return wrapped

    def _stopping(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            await send(message)
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                await self.instrument.stop()

        return wrapped

    async def _stalls(self, scope: Scope, send: Send) -> None:
        json_type = "application/json"
        if scope["method"] not in ("GET", "HEAD"):
            body = _error(f"{scope['method']} {self.stalls_path}: only {_ALLOWED}")
            await _respond(
                send,
                scope,
                405,
                body,
                content_type=json_type,
                extra=[(b"allow", _ALLOWED.encode())],
            )
            return
        try:
            since = parse_since(scope.get("query_string", b""))
        except BadCursorError as error:
            await _respond(send, scope, 400, _error(str(error)), content_type=json_type, extra=[])
            return
        body = self.instrument.stalls_json(since)
        await _respond(send, scope, 200, body, content_type=json_type, extra=[])

    async def _metrics(self, scope: Scope, send: Send) -> None:
        body = generate_latest(self.registry) if self.registry is not None else b""
        await _respond(send, scope, 200, body, content_type=CONTENT_TYPE_LATEST, extra=[])
