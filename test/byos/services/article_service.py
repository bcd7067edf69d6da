"""The seed article's FastAPI code, as its readers wrote it: a background task that calls
time.sleep, once as a plain `def` and once as an `async def`. It knows nothing of looplab.

Starlette runs a `def` background task in its thread pool, so its sleep holds up nobody; an
`async def` task runs on the event loop, so its sleep holds up every other request.

With LOOPLAB_INSTRUMENT=1 it adds the one line looplab-instrument asks for (and serves the
registry at /metrics, since this app has no /metrics of its own).

Run: python -m uvicorn article_service:app --app-dir <this folder> --port 0
"""

from __future__ import annotations

import os
import time

from fastapi import BackgroundTasks, FastAPI

SLEEP_S = float(os.environ.get("REPORT_SLEEP_S", "0.2"))

app = FastAPI()


def write_report_def() -> None:
    time.sleep(SLEEP_S)


async def write_report_async() -> None:
    time.sleep(SLEEP_S)  # noqa: ASYNC251 - the article's trap, on purpose


@app.get("/health")
async def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/report/def", status_code=202)
async def report_def(background_tasks: BackgroundTasks) -> dict[str, bool]:
    background_tasks.add_task(write_report_def)
    return {"accepted": True}


@app.post("/report/async", status_code=202)
async def report_async(background_tasks: BackgroundTasks) -> dict[str, bool]:
    background_tasks.add_task(write_report_async)
    return {"accepted": True}


if os.environ.get("LOOPLAB_INSTRUMENT") == "1":
    from looplab_instrument import LooplabMiddleware

    app.add_middleware(LooplabMiddleware, metrics_path="/metrics")
