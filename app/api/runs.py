"""plan, stream, history, dataset, landscape and schema: every endpoint but the schema takes the
comparison's query string. Routers only translate HTTP; the work is in app.services."""
from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse

from app.api.caching import CachedDep, EquivalentDep
from app.api.deps import AdmitDep, ComparisonDep, CursorDep, FinishedDep, ServiceDep, SettingsDep
from app.api.openapi import RUN_PARAMETERS
from app.codegen import FRAMEWORKS, script
from app.comparison import history, history_csv
from app.engine import Trainer
from app.engine.landscape import linear_landscape
from app.errors import QueryError
from app.middleware import ARRIVED
from app.schemas import run_schema
from app.sending import StreamResponse
from app.streaming import dumps

router = APIRouter(prefix="/api", tags=["runs"])
DOC = {"parameters": RUN_PARAMETERS}


class JSON(JSONResponse):
    """orjson: fast for long loss lists, and writes non-finite numbers as null."""

    def render(self, content) -> bytes:
        return dumps(content).encode()


@router.get("/schema", response_class=JSON)
async def schema():
    """JSON Schema of one run's configuration: every key's type, default, bounds or options and
    help; ``x-page-keys`` lists the keys only the page reads."""
    return JSON(run_schema())


@router.get("/plan", openapi_extra=DOC, response_class=JSON)
async def plan(comparison: ComparisonDep, cached: CachedDep):
    """Update counts of each run (iterations_per_epoch = ceil(n_train / batch_size)) and the
    comparison's canonical share link as ``query``."""
    return cached(JSON(comparison.plan))


@router.get("/stream", openapi_extra=DOC, response_class=EventSourceResponse)
async def stream(request: Request, comparison: ComparisonDep, cursor: CursorDep, admit: AdmitDep,
                 service: ServiceDep, settings: SettingsDep):
    """Server-sent events: plan, points, eval, done per run, then end."""
    routed = time.perf_counter()
    chunks = await service.streams.open(comparison.configs, comparison.plan, cursor, admit)
    # a new stream's first chunk is its plan, made without waiting: sent as soon as the response starts
    first = await anext(chunks) if cursor is None else b""
    # encoded events: bytes pass through untouched; on shutdown the stream ends with a retry hint
    return StreamResponse(chunks, settings, first, ping=15, headers={
        "Cache-Control": "no-store", "X-Accel-Buffering": "no", "Server-Timing": server_timing(request, routed)})


def server_timing(request: Request, routed: float) -> str:
    """Where a stream's start went (devtools and bench/load.py read it): the request read and
    checked (parse), then runs found or admitted (open)."""
    arrived = request.scope.get(ARRIVED, routed)
    return f"parse;dur={(routed - arrived) * 1000:.1f}, open;dur={(time.perf_counter() - routed) * 1000:.1f}"


@router.get("/history", openapi_extra=DOC, response_class=JSON)
async def get_history(comparison: ComparisonDep, cached: EquivalentDep, records: FinishedDep,
                      format: Literal["json", "csv"] = Query("json", description="json or csv")):
    """The whole finished comparison; trains it first unless it is cached or training (new
    training is rate-limited per address as a stream's is). A client that leaves stops the
    training it alone was waiting for."""
    if records is None:
        return Response(status_code=499)  # nobody reads it
    keep = all(rec.status != "failed" for rec in records)  # an error is not the comparison's answer
    if format == "csv":
        return cached(Response(history_csv(comparison, records), media_type="text/csv",
                               headers={"Content-Disposition": 'attachment; filename="history.csv"'}), keep)
    return cached(JSON(history(comparison, records)), keep)


@router.get("/dataset", openapi_extra=DOC, response_class=JSON)
def dataset(comparison: ComparisonDep, settings: SettingsDep, cached: CachedDep):
    """The generated data of the first run."""
    cfg = comparison.configs[0]
    plan = comparison.plan["runs"][0]
    size = plan["n_train"] + plan["n_val"]
    if size > settings.max_dataset_download:
        raise QueryError.one("n_samples", cfg.n_samples, f"the data set has {size} examples; /api/dataset returns "
                             f"at most max_dataset_download={settings.max_dataset_download}: lower n_samples", "limit")
    d = cfg.make_data()
    return cached(JSON({"X_train": d.X_train.tolist(), "y_train": d.y_train.tolist(),
                        "X_val": d.X_val.tolist(), "y_val": d.y_val.tolist(), "task": d.task}))


@router.get("/code", openapi_extra=DOC, response_class=Response)
async def code(request: Request, comparison: ComparisonDep,
               framework: str = Query("keras", description="keras or pytorch")):
    """One runnable script (text/x-python) that reproduces the comparison's numbers in Keras 3 or
    PyTorch: the app's data, initial weights, batch order and optimizer math, in float64."""
    if framework not in FRAMEWORKS:
        raise QueryError.one("framework", framework, f"one of {', '.join(FRAMEWORKS)}")
    url = str(request.base_url).rstrip("/")
    return Response(script(comparison, framework, url), media_type="text/x-python; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="gradient_descent_{framework}.py"'})


@router.get("/landscape", openapi_extra=DOC, response_class=JSON)
def landscape(comparison: ComparisonDep, cached: CachedDep):
    """Training loss of the two-parameter linear model over (w, b), around the minimum and the
    first run's start; every run's path (from the stream's `path` events) can be drawn on it."""
    cfg = comparison.configs[0]
    if cfg.dataset != "linear" or cfg.resolved_model != "linear" or cfg.resolved_loss != "mse":
        raise QueryError.one("dataset", cfg.dataset, "the loss landscape is drawn for the two-parameter model: "
                             "dataset=linear with model=linear and loss=mse")
    trainer = Trainer(cfg)
    start = (trainer.initial_params["w"][0], trainer.initial_params["b"])
    return cached(JSON(linear_landscape(trainer.data.X_train, trainer.data.y_train, start)))
