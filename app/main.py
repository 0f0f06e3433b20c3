"""Builds the app: settings, the run service, routers, error handlers and middleware."""
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import handlers, lessons, ops, pages, runs, share
from app.api.deps import Links
from app.api.pages import ROOT
from app.assets import Assets
from app.engine import compiled
from app.metrics import make_registry
from app.middleware import CompressionMiddleware, GuardMiddleware, HeadMiddleware
from app.ratelimit import RateLimiter
from app.schemas import run_schema
from app.server import ConnectionCollector
from app.services import RunService
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


async def join_fleet(settings: Settings):
    """The Redis fleet when GDV_REDIS_URL names one (redis-py is loaded only then), else None."""
    if not settings.redis_url:
        return None
    from app.fleet import Fleet

    fleet = Fleet(settings)
    await fleet.start()
    return fleet


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    setup_access_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # load the compiled kernels in the background: the first request need not wait for them
        threading.Thread(target=compiled.warm, name="warm-kernels", daemon=True).start()
        threading.Thread(target=app.state.assets.warm, name="compress-static", daemon=True).start()
        fleet = await join_fleet(settings)
        app.state.service = RunService(settings, fleet)
        yield
        app.state.service.shutdown()
        if fleet is not None:
            await fleet.close()

    app = FastAPI(title="Gradient descent, visible", version="1", lifespan=lifespan,
                  description="Compare full-batch GD, SGD and mini-batch SGD; a comparison is a query string.")
    app.state.settings = settings
    app.state.links = Links(settings)
    app.state.stream_limiter = RateLimiter(settings.stream_starts_per_minute, settings.stream_burst)
    app.state.metrics = make_registry(lambda: getattr(app.state, "service", None))
    app.state.metrics.register(ConnectionCollector(settings))
    # a relative cache folder is the checkout's own (an absolute one, e.g. the image's, stays)
    app.state.assets = Assets(ROOT / "static", ROOT / settings.asset_cache_dir if settings.asset_cache_dir else None)
    # inside the guard: its log counts the bytes sent
    app.add_middleware(CompressionMiddleware, shared_bytes=settings.stream_gzip_cache_bytes)
    app.add_middleware(HeadMiddleware)  # outside compression: a HEAD's headers are its GET's
    app.add_middleware(GuardMiddleware, settings=settings)
    handlers.install(app)
    app.include_router(runs.router)
    app.include_router(lessons.router)
    app.include_router(pages.router)
    app.include_router(share.router)
    app.include_router(ops.router)
    describe_run_config(app)
    return app


def describe_run_config(app: FastAPI) -> None:
    """/openapi.json carries the run configuration's JSON Schema as ``RunConfig``."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = build()
            spec.setdefault("components", {}).setdefault("schemas", {})["RunConfig"] = run_schema()
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi


app = create_app()
