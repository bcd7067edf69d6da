"""uvicorn, with the Node app's shutdown: on SIGTERM/SIGINT readiness turns 503 (the app keeps
serving for LOOPLAB_SHUTDOWN_GRACE_MS, if set), then the listener closes, accepted tasks get up
to LOOPLAB_DRAIN_TIMEOUT_MS to finish, the outcome is logged (accepted = done + failed +
abandoned) and the process exits 0. A second signal exits at once with 1."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
from types import FrameType

import uvicorn
from fastapi import FastAPI

from .app import AppState
from .tasks.service import DrainSummary

logger = logging.getLogger("looplab_fastapi")


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: AppState) -> None:
        super().__init__(config)
        self.state = state
        self._signalled = False
        self._drain: asyncio.Task[DrainSummary] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().startup(sockets)
        if self.started:
            address = self.servers[0].sockets[0].getsockname() if self.servers else ("?", 0)
            logger.info(
                "looplab target app (fastapi) listening",
                extra={
                    "host": address[0],
                    "port": address[1],
                    "url": f"http://{address[0]}:{address[1]}",
                },
            )

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Runs between two bytecodes of whatever the main thread does (even a blocking task):
        # only set flags here, and hand the rest to the loop.
        if self._signalled:
            logger.warning("second signal: exiting without waiting", extra={"signal": sig})
            for child in multiprocessing.active_children():  # the process pool's workers
                child.terminate()
            os._exit(1)
        self._signalled = True
        self.state.readiness.mark_draining()
        if self._loop is None:
            self.should_exit = True
            return
        self._loop.call_soon_threadsafe(self._begin_shutdown, signal.Signals(sig).name)

    def _begin_shutdown(self, signal_name: str) -> None:
        grace_ms = self.state.config.shutdown_grace_ms
        if grace_ms > 0:
            logger.info(
                "shutting down: not ready, still serving during the grace period",
                extra={"signal": signal_name, "grace_ms": grace_ms},
            )
            assert self._loop is not None
            self._loop.call_later(grace_ms / 1000, self._close_and_drain, signal_name)
        else:
            self._close_and_drain(signal_name)

    def _close_and_drain(self, signal_name: str) -> None:
        tasks = self.state.tasks
        logger.info(
            "shutting down: no longer accepting connections",
            extra={
                "signal": signal_name,
                "pending_tasks": tasks.pending_count,
                "drain_timeout_ms": self.state.config.drain_timeout_ms,
            },
        )
        self._drain = asyncio.get_running_loop().create_task(
            tasks.drain(self.state.config.drain_timeout_ms)
        )
        self.should_exit = True

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        if self._drain is None:  # stopped without a signal (tests)
            self._drain = asyncio.get_running_loop().create_task(
                self.state.tasks.drain(self.state.config.drain_timeout_ms)
            )
        summary = await self._drain
        verdict = "timed out" if summary.timed_out else "complete"
        logger.info(
            f"drain {verdict}: {summary.finished} finished, {summary.abandoned} abandoned",
            extra={
                "finished": summary.finished,
                "abandoned": summary.abandoned,
                "pending_at_start": summary.pending_at_start,
                "timed_out": summary.timed_out,
                "elapsed_ms": round(summary.elapsed_ms),
            },
        )
        await self.state.tasks.close()


def serve(app: FastAPI, host: str, port: int) -> bool:
    """Serves until a signal; False when it could not start (e.g. the port is taken)."""
    state: AppState = app.state.looplab
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="none",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_config=None,
        server_header=False,
        # uvicorn waits for request tasks (BackgroundTasks run inside them) at most this long.
        timeout_graceful_shutdown=state.config.drain_timeout_ms // 1000 + 2,
    )
    server = DrainingServer(config, state)
    with asyncio.Runner() as runner:
        runner.run(server.serve())
    return server.started
