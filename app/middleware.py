"""ASGI middleware: request size limits, security headers, structured access logs.

Pure ASGI (not BaseHTTPMiddleware) so server-sent event streams pass through untouched and a
client disconnect still reaches the stream.
"""
from __future__ import annotations

import json
import logging
import os
import time

from app.settings import Settings

access_log = logging.getLogger("gdv.access")

# The app's own scripts only; Plotly sets inline styles and exports PNGs through data: URLs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
EMBED_PATH = "/embed"
WORKER = f"{os.uname().nodename}:{os.getpid()}".encode()


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    embeddable = path == EMBED_PATH
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"content-security-policy",
         f"{CSP}; frame-ancestors {'*' if embeddable else chr(39) + 'self' + chr(39)}".encode()),
    ]
    if not embeddable:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


class GuardMiddleware:
    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = {"code": 0, "bytes": 0}
        path = scope["path"]

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in security_headers(path) if k not in names]
                extra.append((b"x-worker", WORKER))  # which process answered (replicas, workers)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body":
                status["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            too_big = self._too_big(scope)
            if too_big:
                await self._reject(send_wrapped, *too_big)
            else:
                await self.app(scope, receive, send_wrapped)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info(json.dumps({
                "method": scope["method"], "path": path, "query_len": len(scope.get("query_string", b"")),
                "status": status["code"], "bytes": status["bytes"],
                "ms": round((time.perf_counter() - started) * 1000, 1), "client": client[0],
            }))

    def _too_big(self, scope) -> tuple[int, str] | None:
        if len(scope.get("query_string", b"")) > self.settings.max_query_bytes:
            return 414, f"the query string is over max_query_bytes={self.settings.max_query_bytes}"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.settings.max_body_bytes:
                return 413, f"the request body is over max_body_bytes={self.settings.max_body_bytes}"
        return None

    async def _reject(self, send, code: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        await send({"type": "http.response.start", "status": code,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
