"""Dependencies shared by the routers, as Annotated aliases."""
from typing import Annotated

from fastapi import Depends, Request

from app.comparison import Comparison
from app.runs import RunService
from app.schemas import QueryError, parse_comparison
from app.settings import Settings

ENDPOINT_KEYS = {"format"}  # keys of an endpoint, not of the runs


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_service(request: Request) -> RunService:
    return request.app.state.service


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[RunService, Depends(get_service)]


def get_comparison(request: Request, settings: SettingsDep, service: ServiceDep) -> Comparison:
    """The comparison a query string describes; QueryError (422) if it is invalid or too big."""
    try:
        runs = parse_comparison(list(request.query_params.multi_items()), ENDPOINT_KEYS, settings.max_runs)
    except QueryError:
        service.reject("invalid")
        raise
    comparison = Comparison(runs)
    problems = service.check_limits(comparison.configs)
    if problems:
        service.reject("too_big")
        raise QueryError([{"loc": ["query", key], "msg": msg, "type": "limit", "input": None}
                          for key, msg in problems])
    return comparison


ComparisonDep = Annotated[Comparison, Depends(get_comparison)]
