"""Exception handlers: the one place where refusals become HTTP answers."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.errors import QueryError, problem
from app.ratelimit import RateLimited
from app.services import Busy


def install(app: FastAPI) -> None:
    settings = app.state.settings

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError):
        return JSONResponse(exc.body(), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError):
        errors = QueryError([problem(str(e["loc"][-1]), e.get("input"), f"{e['loc'][-1]}: {e['msg']}", e["type"],
                                     str(e["loc"][0])) for e in exc.errors()])
        return JSONResponse(errors.body(), status_code=422)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        return JSONResponse({"detail": "every training slot is busy; try again shortly"}, status_code=503,
                            headers={"Retry-After": str(settings.retry_after_seconds)})

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited):
        return JSONResponse({"detail": "too many new comparisons started from this address; try again shortly"},
                            status_code=429, headers={"Retry-After": str(max(1, round(exc.wait)))})
