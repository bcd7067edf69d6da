"""The FastAPI app: the Node app's HTTP contract (routes, bodies, statuses, error bodies)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from looplab_instrument import Instrument, LooplabMiddleware

from .config import AppConfig
from .contract import Contract, StrategySpec
from .http.errors import ApiError, install_error_handlers
from .http.head import HeadAsGetMiddleware
from .http.openapi import ACCEPTED_BODY, background_body_schema, error_response
from .http.request_body import NO_BODY, read_json_body
from .metrics.http_metrics import HttpMetrics, HttpMetricsMiddleware
from .metrics.registry import create_registry, render, wants_openmetrics
from .metrics.task_metrics import TaskMetrics
from .readiness import Readiness
from .strategies import create_executors
from .strategies.async_wait import wait_async
from .tasks.registry import TaskRegistry
from .tasks.service import TaskService
from .tasks.task import task_view
from .telemetry.setup import instrument
from .telemetry.task_tracing import TaskTracing
from .validation import InvalidInputError, TaskRequest, parse_async_ms, parse_task_body


@dataclass
class AppState:
    config: AppConfig
    contract: Contract
    readiness: Readiness
    tasks: TaskService
    event_loop: Instrument


def _invalid(part: str, error: InvalidInputError) -> ApiError:
    return ApiError(400, f"invalid {part}", error.issues)


def _task_request(body: Any, strategy: str, state: AppState) -> TaskRequest:
    try:
        request = parse_task_body(None if body is NO_BODY else body, state.contract)
    except InvalidInputError as error:
        raise _invalid("body", error) from error
    if request.fault is None:
        return request
    # In the Node app's order and words: a fault the strategy cannot survive, then the switch.
    if request.fault not in state.tasks.executor(strategy).faults:
        rule = f"{request.fault} is not supported by the {strategy} strategy (it would take the server down)"
        raise ApiError(400, "invalid body", [{"field": "fault", "rule": rule}])
    if not state.config.fault_injection:
        rule = "fault injection is disabled (set LOOPLAB_FAULT_INJECTION=on)"
        raise ApiError(400, "invalid body", [{"field": "fault", "rule": rule}])
    return request


def _background_endpoint(
    spec: StrategySpec, state: AppState
) -> Callable[[Request, BackgroundTasks], Coroutine[Any, Any, JSONResponse]]:
    strategy = spec.name
    max_body = state.contract.max_body_bytes

    async def endpoint(request: Request, background_tasks: BackgroundTasks) -> JSONResponse:
        body = await read_json_body(request, max_body)
        outcome = state.tasks.submit(
            strategy, _task_request(body, strategy, state), background_tasks
        )
        task = outcome.task
        status_url = f"/tasks/{task.id}"
        if outcome.rejected:
            message = (
                f"the {strategy} queue is full; task {task.id} was rejected, retry later"
                if outcome.rejected == "queue_full"
                else f"shutting down; task {task.id} was rejected"
            )
            raise ApiError(
                503,
                message,
                headers={"Retry-After": str(state.config.retry_after_seconds)},
                extra={"task_id": task.id, "status_url": status_url},
            )
        # FastAPI attaches background_tasks to a returned Response that has none of its own.
        return JSONResponse(
            {"id": task.id, "strategy": strategy, "status_url": status_url}, status_code=spec.status
        )

    endpoint.__name__ = f"background_{strategy.replace('-', '_')}"
    return endpoint


def _background_openapi(spec: StrategySpec, state: AppState) -> dict[str, Any]:
    faults = state.tasks.executor(spec.name).faults if state.config.fault_injection else ()
    schema = background_body_schema(state.contract, faults)
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "responses": {
            "202": {
                "description": "Accepted; poll status_url",
                "content": {"application/json": {"schema": ACCEPTED_BODY}},
                "links": {
                    "GetTask": {
                        "operationId": "getTask",
                        "parameters": {"id": "$response.body#/id"},
                        "description": "The accepted task: its status, timestamps, wait and run time",
                    }
                },
            },
            "400": error_response("Invalid body: the issues name each field and rule"),
            "413": error_response("Body too large"),
            "415": error_response("Not JSON"),
            "503": error_response("Queue full or shutting down; see Retry-After"),
        },
    }


def create_app(config: AppConfig, contract: Contract) -> FastAPI:
    registry = create_registry()
    readiness = Readiness()
    tasks = TaskService(
        TaskRegistry(config.task_history),
        TaskMetrics(registry, contract),
        TaskTracing(),
        lambda lifecycle: create_executors(config, contract, lifecycle),
    )
    # Event-loop delay, utilization and stall attribution (GET /looplab/stalls): the drop-in
    # package any asyncio service can use, started and served by its middleware.
    event_loop = Instrument(config.instrument, registry)
    state = AppState(config, contract, readiness, tasks, event_loop)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for executor in tasks.executors.values():
            await executor.start()
        readiness.mark_ready()
        yield

    app = FastAPI(
        title="looplab target app (FastAPI)",
        description="The FastAPI twin: the same workload run as async, an async def background "
        "task, a def background task, a thread pool and a process pool, with a probe (/ping).",
        version="0.1.0",
        docs_url="/docs",
        openapi_url="/docs-json",
        redoc_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    app.state.looplab = state
    install_error_handlers(app)
    app.add_middleware(HttpMetricsMiddleware, metrics=HttpMetrics(registry, contract))
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(LooplabMiddleware, instrument=event_loop, registry=registry)

    @app.get(contract.probe_route, tags=["probe"], summary="The cheap probe: the other request")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    async_spec = contract.strategy("async")

    @app.get(
        async_spec.route,
        tags=["strategies"],
        summary=f"The async strategy: {async_spec.does}",
        responses={"400": error_response("ms is not an integer in range")},
        openapi_extra={
            "parameters": [
                {
                    "name": "ms",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": contract.ms_min,
                        "maximum": contract.ms_max,
                        "default": 0,
                    },
                }
            ]
        },
    )
    async def async_strategy(request: Request) -> dict[str, Any]:
        try:
            ms = parse_async_ms(request.query_params.getlist("ms"), contract)
        except InvalidInputError as error:
            raise _invalid("query", error) from error
        return await wait_async(ms)

    for spec in contract.own_strategies:
        if spec.method != "POST":
            continue
        app.add_api_route(
            spec.route,
            _background_endpoint(spec, state),
            methods=["POST"],
            status_code=spec.status,
            tags=["strategies"],
            summary=f"The {spec.name} strategy: {spec.does}",
            description=f"Expected effect on other requests: {spec.expect}.",
            openapi_extra=_background_openapi(spec, state),
            response_class=JSONResponse,
        )

    @app.get(
        "/tasks/{id}",
        operation_id="getTask",
        tags=["tasks"],
        summary="A background task: status, timestamps, wait and run time",
        responses={"404": error_response("Unknown id (or forgotten: only recent tasks are kept)")},
    )
    async def find_task(id: str) -> dict[str, Any]:
        task = tasks.find(id)
        if task is None:
            raise ApiError(404, f"no task with id {id} (unknown, or too old to be kept)")
        return task_view(task)

    @app.get(
        "/healthz", tags=["health"], summary="Liveness: the process is up and its loop answers"
    )
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Readiness: 200 when accepting work, 503 while starting or draining",
    )
    async def readyz() -> JSONResponse:
        ready = readiness.current == "ready" and tasks.is_accepting
        return JSONResponse(
            {
                "status": "ready" if ready else readiness.current,
                "pending_tasks": tasks.pending_count,
            },
            status_code=200 if ready else 503,
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        body, content_type = render(registry, wants_openmetrics(request.headers.get("accept")))
        return Response(body, media_type=content_type)

    instrument(app, config)
    return app
