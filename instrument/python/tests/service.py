"""A small Starlette service that knows nothing of looplab but the one middleware line: the
code a user would write, and what the tests (and the installed-wheel test) run under uvicorn.

Run: python -m uvicorn service:app --app-dir <this folder> --port 0
"""

from __future__ import annotations

import asyncio
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from looplab_instrument import LooplabMiddleware

_MASK32 = 0xFFFFFFFF


def burn_cpu(ms: float) -> int:
    """Pure Python for `ms` milliseconds: holds the GIL all along."""
    deadline = time.perf_counter() + ms / 1000
    x = 1
    while time.perf_counter() < deadline:
        for _ in range(200):
            x ^= (x << 13) & _MASK32
            x ^= x >> 17
            x ^= (x << 5) & _MASK32
    return x


def nap(ms: float) -> None:
    """A synchronous sleep: off-CPU, the GIL released."""
    time.sleep(ms / 1000)


def add_up(count: int) -> int:
    """One call into C that keeps the GIL: sum() over a range never checks for a GIL request."""
    return sum(range(count))


def _ms(request: Request) -> float:
    return float(request.query_params.get("ms", "100"))


async def ping(_request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def block_cpu(request: Request) -> JSONResponse:
    started = time.time() * 1000
    burn_cpu(_ms(request))
    return JSONResponse({"startMs": started, "endMs": time.time() * 1000})


async def block_sleep(request: Request) -> JSONResponse:
    nap(_ms(request))
    return JSONResponse({"slept": True})


async def block_native(request: Request) -> JSONResponse:
    return JSONResponse({"sum": add_up(int(request.query_params["count"]))})


async def thread_cpu(request: Request) -> JSONResponse:
    # The thread pool "cure" for CPU work: the loop still waits, for the GIL.
    await asyncio.get_running_loop().run_in_executor(None, burn_cpu, _ms(request))
    return JSONResponse({"done": True})


async def wait_async(request: Request) -> JSONResponse:
    await asyncio.sleep(_ms(request) / 1000)
    return JSONResponse({"waited": True})


app = LooplabMiddleware(
    Starlette(
        routes=[
            Route("/ping", ping),
            Route("/block/cpu", block_cpu),
            Route("/block/sleep", block_sleep),
            Route("/block/native", block_native),
            Route("/thread/cpu", thread_cpu),
            Route("/async", wait_async),
        ]
    ),
    metrics_path="/metrics",
)
