"""Dependencies shared by the routers, as Annotated aliases: settings, the run service, the
comparison a query string describes, the stream's resume cursor and what starting training
costs its client (the rate limit). They are ``async``: each is light, and a plain ``def``
would cost a hop to a worker thread per request."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request

from app.comparison import Comparison
from app.errors import QueryError
from app.links import parse_comparison
from app.ratelimit import RateLimited, client_key
from app.services import RunRecord, RunService
from app.settings import Settings
from app.streaming import Cursor

ENDPOINT_KEYS = frozenset({"format", "framework", "chart", "width", "choice"})  # keys of an endpoint, not of the runs
T = TypeVar("T")
Admit = Callable[[list], None]  # charges the client for the new runs a stream starts, or raises


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_service(request: Request) -> RunService:
    return request.app.state.service


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[RunService, Depends(get_service)]


class Links:
    """The app's parsed links: one parse (and plan) per distinct link, so a class opening the same
    link shares it; the last ``settings.parsed_links`` are kept (``app.state.links``)."""

    def __init__(self, settings: Settings):
        self.max_runs = settings.max_runs
        self.parse = lru_cache(maxsize=settings.parsed_links)(self._parse)  # this app's own cache

    def _parse(self, raw_query: str) -> Comparison:
        return Comparison(parse_comparison(raw_query, ENDPOINT_KEYS, self.max_runs))


async def get_comparison(request: Request, service: ServiceDep) -> Comparison:
    """The comparison of the raw query string; QueryError (422) if it is invalid or too big."""
    try:
        comparison = request.app.state.links.parse(request.url.query)
    except QueryError:
        service.reject("invalid")
        raise
    problems = service.check(comparison.configs)
    if problems:
        service.reject("too_big")
        raise QueryError(problems)
    return comparison


ComparisonDep = Annotated[Comparison, Depends(get_comparison)]


def checked(request: Request, raw_query: str) -> Comparison:
    """The comparison of a link that is not the request's own (a page's, an oEmbed url); QueryError if invalid."""
    comparison = request.app.state.links.parse(raw_query)
    if problems := request.app.state.service.check(comparison.configs):
        raise QueryError(problems)
    return comparison


async def get_cursor(comparison: ComparisonDep,
               last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", include_in_schema=False)] = None
               ) -> Cursor | None:
    """Where a reconnecting stream resumes: right after the event ``Last-Event-ID`` names."""
    if not last_event_id:
        return None
    try:
        return Cursor.parse(last_event_id, len(comparison.runs))
    except ValueError as exc:
        raise QueryError.one("Last-Event-ID", last_event_id, str(exc), where="header") from None


CursorDep = Annotated[Cursor | None, Depends(get_cursor)]


async def training_admission(request: Request, settings: SettingsDep, service: ServiceDep) -> Admit:
    """What a request pays to start training (``RunService.subscribe`` calls it only then), be it
    a stream, a history, a verdict or a picture: a token of its client address's bucket, else 429
    with Retry-After. Requests for runs already trained or training cost nothing, so a lecture
    hall behind one address is not refused."""
    client = client_key(request, settings.trust_forwarded_for)

    def admit(new_runs: list) -> None:
        wait = request.app.state.stream_limiter.allow(client)
        if wait:
            service.reject("rate_limit")
            raise RateLimited(wait)

    return admit


AdmitDep = Annotated[Admit, Depends(training_admission)]


async def client_gone(request: Request) -> None:
    """Return once the client has disconnected (the ASGI server says so; no polling)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_gone(request: Request, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Await ``work`` unless the client leaves first: (finished, result)."""
    task, gone = asyncio.ensure_future(work), asyncio.ensure_future(client_gone(request))
    await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, gone):
        pending.cancel()
    return (True, task.result()) if task.done() and not task.cancelled() else (False, None)


async def finished_records(request: Request, service: RunService, comparison: Comparison,
                           admit: Admit | None = None) -> list[RunRecord] | None:
    """The comparison's finished records (cached runs at once, else trained once ``admit`` let
    it start); None if the client left first, which stops the training it alone was waiting for."""
    subscription = await service.subscribe(comparison.configs, admit)
    try:
        finished, records = await unless_gone(request, subscription.finished())
    finally:
        subscription.close()
    return records if finished else None


async def get_finished(request: Request, comparison: ComparisonDep, service: ServiceDep,
                       admit: AdmitDep) -> list[RunRecord] | None:
    return await finished_records(request, service, comparison, admit)


FinishedDep = Annotated[list[RunRecord] | None, Depends(get_finished)]
