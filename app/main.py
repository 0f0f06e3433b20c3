"""Builds the app: settings, the run service, routers and error handlers."""
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app.api import ops, pages, runs
from app.api.pages import ROOT
from app.metrics import make_registry
from app.middleware import GuardMiddleware
from app.ratelimit import RateLimiter
from app.runs import RunService
from app.schemas import QueryError
from app.settings import Settings, get_settings


def setup_access_log() -> None:
    """One JSON object per request on stderr (uvicorn's own access log is turned off)."""
    log = logging.getLogger("gdv.access")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter('{"time": "%(asctime)s", "request": %(message)s}'))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    setup_access_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.service = RunService(settings)
        yield
        app.state.service.shutdown()

    app = FastAPI(title="Gradient descent, visible", version="1", lifespan=lifespan,
                  description="Compare full-batch GD, SGD and mini-batch SGD; a comparison is a query string.")
    app.state.settings = settings
    app.state.stream_limiter = RateLimiter(settings.stream_starts_per_minute, settings.stream_burst)
    app.state.metrics = make_registry(lambda: getattr(app.state, "service", None))
    app.add_middleware(GuardMiddleware, settings=settings)

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError):
        return JSONResponse({"detail": exc.errors}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e["loc"]), "msg": f"{e['loc'][-1]}: {e['msg']}", "type": e["type"],
                   "input": e.get("input")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    app.include_router(runs.router)
    app.include_router(pages.router)
    app.include_router(ops.router)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    return app


app = create_app()
