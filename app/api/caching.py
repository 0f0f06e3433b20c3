"""ETag and Cache-Control for the deterministic answers: a comparison's plan, data set, loss
landscape and history depend only on its canonical query string and on this code, so browsers,
nginx or a CDN may keep them, and a client that has one gets 304 before anything is computed.

- The ETag is a hash of the code (every file of `app/`: a release that changes a number changes
  every tag), the path, the canonical query (`plan.query`: two spellings of one comparison share
  it) and the endpoint's own keys (`format`). The plan, data set and landscape are byte-for-byte
  the same every time: strong tags. The history carries each run's measured compute `seconds`,
  the same numbers otherwise: a weak tag (RFC 9110: equivalent, not identical).
- `public, max-age=3600`: an hour of reuse without asking, then a revalidation that costs one
  round trip and no body. Longer would keep an answer of the previous release after a deploy
  that changes the engine's numbers; `no-cache` would cost a round trip (150 ms on a phone) on
  every use.
- A history with a failed run (an error, not the comparison's outcome) is `no-store`."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.responses import Response

from app.api.deps import ENDPOINT_KEYS, ComparisonDep
from app.compression import etag_matches

APP = Path(__file__).resolve().parents[1]
CACHE_CONTROL = "public, max-age=3600"


def code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in APP.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(APP).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE = code_version()


class Validator:
    """Puts the request's ETag and Cache-Control on the answer (`no-store` if not `keep`)."""

    def __init__(self, etag: str):
        self.etag = etag

    def __call__(self, response: Response, keep: bool = True) -> Response:
        if keep and response.status_code == 200:
            response.headers["ETag"] = self.etag
            response.headers["Cache-Control"] = CACHE_CONTROL
        else:
            response.headers["Cache-Control"] = "no-store"
        return response


def revalidated(weak: bool = False):
    async def validator(request: Request, comparison: ComparisonDep) -> Validator:
        own = [f"{key}={request.query_params[key]}" for key in sorted(ENDPOINT_KEYS) if key in request.query_params]
        key = "\n".join([CODE, request.url.path, comparison.plan["query"], *own])
        etag = ("W/" if weak else "") + f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        if etag_matches(request.headers.get("if-none-match"), etag):
            raise HTTPException(304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
        return Validator(etag)

    return validator


CachedDep = Annotated[Validator, Depends(revalidated())]  # byte-for-byte the same answer
EquivalentDep = Annotated[Validator, Depends(revalidated(weak=True))]  # the same numbers
