"""Operations: health check and Prometheus metrics."""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.api.deps import ServiceDep
from app.engine.compiled import WARMED

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz(service: ServiceDep):
    return JSONResponse({"status": "ok", "training_slots_free": service.scheduler.free,
                         "active_runs": service.active_runs, "cached_runs": len(service.cache),
                         "redis": service.fleet.state if service.fleet else "off",
                         # the compiled kernels load in a thread at start (holding the GIL ~1 s)
                         "kernels": "ready" if WARMED.is_set() else "loading"})


@router.get("/metrics")
def metrics(request: Request):
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
