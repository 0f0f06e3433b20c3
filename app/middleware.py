"""ASGI middleware: request size limits, security headers, structured access logs, HEAD, compression.

Pure ASGI (not BaseHTTPMiddleware) so server-sent event streams pass through untouched and a
client disconnect still reaches the stream.
"""
from __future__ import annotations

import json
import logging
import os
import time

import anyio
from starlette.datastructures import MutableHeaders

from app import compression
from app.settings import Settings

access_log = logging.getLogger("gdv.access")

# The app's own scripts only; Plotly sets inline styles and exports PNGs through data: URLs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
EMBED_PATH = "/embed"
WORKER = f"{os.uname().nodename}:{os.getpid()}".encode()
ARRIVED = "gdv.arrived"  # scope key: perf_counter() when the request reached the app (Server-Timing)


def content_security_policy(embeddable: bool, script_hashes: list[str] | tuple = ()) -> str:
    """The CSP; a page adds the sha256 of its inline import map to script-src."""
    csp = CSP.replace("script-src 'self'", " ".join(["script-src 'self'", *script_hashes]))
    return f"{csp}; frame-ancestors {'*' if embeddable else chr(39) + 'self' + chr(39)}"


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    embeddable = path == EMBED_PATH
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"content-security-policy", content_security_policy(embeddable).encode()),
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
        started = scope[ARRIVED] = time.perf_counter()
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


class HeadMiddleware:
    """HEAD wherever GET is served (RFC 9110 section 9.3.2; link checkers and unfurlers send it):
    the request goes on as a GET, so the status and headers are the GET's (compressed alike),
    and the body is dropped. Not for ``no_head`` paths: a GET of /api/stream starts training for
    its whole length, so a HEAD there stays the router's 405 naming GET."""

    def __init__(self, app, no_head: tuple[str, ...] = ("/api/stream",)):
        self.app = app
        self.no_head = no_head

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_headers(message):
            if message["type"] == "http.response.start":
                await send(message)
            elif not message.get("more_body", False):  # the body's end (or a file sent by path)
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        as_get = scope if scope["path"] in self.no_head else {**scope, "method": "GET"}
        await self.app(as_get, receive, send_headers)


class CompressionMiddleware:
    """Compresses text answers the route left unencoded (JSON, CSV, scripts, server-sent events):
    brotli or gzip by Accept-Encoding, ``Vary: Accept-Encoding`` on every text answer. Bodies
    under ``minimum_size`` go as they are: below one packet nothing is saved. Big bodies are
    compressed in a worker thread (zlib and brotli release the GIL), so the event loop keeps
    serving; a streamed body is compressed chunk by chunk, each flushed at once. Event streams
    prefer gzip: its pieces are compressed once for every stream that sends them
    (``compression.SharedDeflate``), where brotli would compress each stream's copy."""

    THREAD_ABOVE = 256 * 1024  # ~1 ms of brotli 1, ~10 ms of gzip 1

    def __init__(self, app, minimum_size: int = 1024, shared_bytes: int = 32_000_000):
        self.app = app
        self.minimum_size = minimum_size
        self.shared = compression.SharedDeflate(shared_bytes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        accept = dict(scope.get("headers", [])).get(b"accept-encoding", b"").decode("latin-1")
        state = {"start": None, "encoder": None, "coding": None}

        async def send_compressed(message):
            if message["type"] == "http.response.start":
                start_headers = MutableHeaders(raw=list(message.get("headers", [])))
                content_type = start_headers.get("content-type", "")
                if compression.compressible(content_type) and message["status"] not in (204, 304):
                    start_headers.add_vary_header("Accept-Encoding")
                    events = content_type.startswith(compression.EVENT_STREAM)
                    coding = compression.pick(accept, (compression.GZIP, compression.BROTLI) if events else
                                              (compression.BROTLI, compression.GZIP))
                    if coding and "content-encoding" not in start_headers and scope["method"] != "HEAD":
                        state["start"], state["coding"] = {**message, "headers": start_headers.raw}, coding
                        return  # held until the body is seen
                return await send({**message, "headers": start_headers.raw})
            if state["start"] is None and state["encoder"] is None:
                return await send(message)
            await self._body(message, state, send)

        await self.app(scope, receive, send_compressed)

    async def _body(self, message, state, send) -> None:
        body, more, coding = message.get("body", b""), message.get("more_body", False), state["coding"]
        if state["start"] is not None:  # the first body message decides
            start, state["start"] = state["start"], None
            if not more and len(body) < self.minimum_size:
                await send(start)
                return await send(message)
            headers = MutableHeaders(raw=start["headers"])
            headers["content-encoding"] = coding
            if "etag" in headers:
                headers["etag"] = compression.encoded_etag(headers["etag"], coding)
            if not more:
                body = await self._whole(body, coding)
                headers["content-length"] = str(len(body))
                await send({**start, "headers": headers.raw})
                return await send({**message, "body": body})
            del headers["content-length"]
            state["encoder"] = compression.SplicedGzip() if coding == compression.GZIP else compression.Encoder(coding)
            await send({**start, "headers": headers.raw})
        out = await self._chunk(state["encoder"], body) if body else b""
        if not more:
            out += state["encoder"].finish()
        if out or not more:
            await send({"type": "http.response.body", "body": out, "more_body": more})

    async def _chunk(self, encoder, body: bytes) -> bytes:
        big = len(body) > self.THREAD_ABOVE  # a catch-up of a finished comparison may come as one chunk
        if isinstance(encoder, compression.SplicedGzip):
            compressed = self.shared.get(body)
            if compressed is None:
                made = await anyio.to_thread.run_sync(compression.deflate_piece, body) if big else \
                    compression.deflate_piece(body)
                compressed = self.shared.put(body, made)
            return encoder.chunk(body, compressed)
        return await anyio.to_thread.run_sync(encoder.chunk, body) if big else encoder.chunk(body)

    async def _whole(self, body: bytes, coding: str) -> bytes:
        if len(body) > self.THREAD_ABOVE:
            return await anyio.to_thread.run_sync(compression.compress, body, coding)
        return compression.compress(body, coding)
