"""Builds the app: settings, the run service, routers and error handlers."""
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app.api import pages, runs
from app.api.pages import ROOT
from app.runs import RunService
from app.schemas import QueryError
from app.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.service = RunService(settings)
        yield
        app.state.service.shutdown()

    app = FastAPI(title="Gradient descent, visible", version="1", lifespan=lifespan,
                  description="Compare full-batch GD, SGD and mini-batch SGD; a comparison is a query string.")
    app.state.settings = settings

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
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    return app


app = create_app()
