"""HEAD on every GET route, as Fastify exposes it on the Node app: the app sees a GET, and
uvicorn (which keeps its own scope with the HEAD method) sends the headers without the body."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


def with_head(allow: str) -> str:
    """An Allow header value with HEAD wherever GET is allowed, sorted like the Node app's."""
    methods = {m.strip() for m in allow.split(",") if m.strip()}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))
