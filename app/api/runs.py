"""plan, stream, history and dataset: every endpoint takes the comparison's query string."""
from __future__ import annotations

import asyncio
import time
from typing import Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.api.deps import ComparisonDep, ServiceDep, SettingsDep
from app.api.openapi import RUN_PARAMETERS
from app.comparison import Comparison, history, history_csv
from app.engine import Trainer
from app.engine.landscape import linear_landscape
from app.runs import Busy, RunService
from app.schemas import QueryError
from app.streaming import Cursor, comparison_stream, dumps

router = APIRouter(prefix="/api", tags=["runs"])
DOC = {"parameters": RUN_PARAMETERS}


class JSON(JSONResponse):
    """orjson: fast for long loss lists, and writes non-finite numbers as null."""

    def render(self, content) -> bytes:
        return dumps(content).encode()


def client_key(request: Request, settings) -> str:
    forwarded = request.headers.get("x-forwarded-for") if settings.trust_forwarded_for else None
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "-"


def busy_response(settings) -> JSONResponse:
    return JSONResponse({"detail": "every training slot is busy; try again shortly"}, status_code=503,
                        headers={"Retry-After": str(settings.retry_after_seconds)})


@router.get("/plan", openapi_extra=DOC, response_class=JSON)
def plan(comparison: ComparisonDep):
    """Update counts of each run: iterations_per_epoch = ceil(n_train / batch_size)."""
    return JSON(comparison.plan)


@router.get("/stream", openapi_extra=DOC, response_class=EventSourceResponse)
async def stream(request: Request, comparison: ComparisonDep, service: ServiceDep, settings: SettingsDep,
                 last_event_id: str | None = Header(default=None, alias="Last-Event-ID",
                                                    include_in_schema=False)):
    """Server-sent events: plan, points, eval, done per run, then end."""
    cursor = None
    if last_event_id:
        try:
            cursor = Cursor.parse(last_event_id, len(comparison.runs))
        except ValueError as exc:
            raise QueryError([{"loc": ["header", "Last-Event-ID"], "msg": str(exc),
                               "type": "value_error", "input": last_event_id}]) from None
    wait = request.app.state.stream_limiter.allow(client_key(request, settings))
    if wait:
        service.reject("rate_limit")
        return JSONResponse({"detail": "too many streams started from this address; try again shortly"},
                            status_code=429, headers={"Retry-After": str(max(1, round(wait)))})
    try:
        records, jobs = await service.subscribe(comparison.configs)
    except Busy:
        return busy_response(settings)

    wake = asyncio.Event()
    for job in jobs:
        job.watchers.add(wake)

    async def events():
        opened = time.monotonic()
        try:
            async for ev in comparison_stream(comparison.plan, records, cursor, settings.stream_tick_seconds,
                                              settings.points_per_event, wake):
                yield ServerSentEvent(data=ev.data, event=ev.event, id=ev.id)
        finally:
            for job in jobs:
                job.watchers.discard(wake)
            service.unsubscribe(jobs)
            service.stats["streams"] += 1
            service.stats["stream_seconds"] += time.monotonic() - opened

    return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store",
                                                          "X-Accel-Buffering": "no"})


async def finished_records(comparison: Comparison, service: RunService):
    records, jobs = await service.subscribe(comparison.configs)
    try:
        while not all(r.finished for r in records):
            await asyncio.sleep(0.02)
    finally:
        service.unsubscribe(jobs)
    return records


@router.get("/history", openapi_extra=DOC, response_class=JSON)
async def get_history(comparison: ComparisonDep, service: ServiceDep, settings: SettingsDep,
                      format: Literal["json", "csv"] = Query("json", description="json or csv")):
    """The whole finished comparison; trains it first unless it is cached."""
    try:
        records = await finished_records(comparison, service)
    except Busy:
        return busy_response(settings)
    if format == "csv":
        return Response(history_csv(comparison, records), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="history.csv"'})
    return JSON(history(comparison, records))


@router.get("/dataset", openapi_extra=DOC, response_class=JSON)
def dataset(comparison: ComparisonDep, settings: SettingsDep):
    """The generated data of the first run."""
    cfg = comparison.configs[0]
    plan = comparison.plan["runs"][0]
    size = plan["n_train"] + plan["n_val"]
    if size > settings.max_dataset_download:
        raise QueryError([{"loc": ["query", "n_samples"], "input": cfg.n_samples, "type": "limit",
                           "msg": f"the data set has {size} examples; /api/dataset returns at most "
                                  f"max_dataset_download={settings.max_dataset_download}"}])
    d = cfg.make_data()
    return JSON({"X_train": d.X_train.tolist(), "y_train": d.y_train.tolist(),
                 "X_val": d.X_val.tolist(), "y_val": d.y_val.tolist(), "task": d.task})


@router.get("/landscape", openapi_extra=DOC, response_class=JSON)
def landscape(comparison: ComparisonDep):
    """Training loss of the two-parameter linear model over (w, b), around the minimum and the
    first run's start; every run's path (from the stream's `path` events) can be drawn on it."""
    cfg = comparison.configs[0]
    if cfg.dataset != "linear" or cfg.resolved_model != "linear" or cfg.resolved_loss != "mse":
        raise QueryError([{"loc": ["query", "dataset"], "input": cfg.dataset, "type": "value_error",
                           "msg": "the loss landscape is drawn for the two-parameter model: "
                                  "dataset=linear with model=linear and loss=mse"}])
    trainer = Trainer(cfg)
    start = (trainer.initial_params["w"][0], trainer.initial_params["b"])
    return JSON(linear_landscape(trainer.data.X_train, trainer.data.y_train, start))
