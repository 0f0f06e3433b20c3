"""How a stream's chunks go out: in pieces the client drains, and ended cleanly by a stopping server.

A catch-up chunk may hold megabytes; sent whole, it would sit in the process for a slow reader.
Cut at event ends into pieces of at most ``write_buffer_bytes`` (or one larger event), each waits
for the connection to drain below that mark (uvicorn's ``send`` awaits the transport's flow
control), so one stream holds at most that mark plus one piece in the process. When the server stops (SIGTERM; sse-starlette sees uvicorn's
``should_exit`` and sets the stream's shutdown event), the stream finishes the chunk it is
sending, adds a ``retry:`` hint and ends its body properly: the browser's EventSource reconnects
with ``Last-Event-ID`` and resumes on another replica.
"""
from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator

import anyio
from sse_starlette import EventSourceResponse

from app.settings import Settings

EVENT_END = b"\r\n\r\n"  # app.streaming.encode ends every event so


def farewell(retry_ms: int) -> bytes:
    """A comment and the reconnect delay, spread so a class does not come back all at once."""
    return f": server stopping, reconnect\r\nretry: {random.randint(retry_ms, 2 * retry_ms)}\r\n\r\n".encode()


async def until_shutdown(chunks: AsyncIterator[bytes], shutdown: anyio.Event, retry_ms: int,
                         first: bytes = b"") -> AsyncIterator[bytes]:
    """``first`` (a chunk already made: no task to wait for it, so it goes out at once), then
    the chunks, whole, until ``shutdown`` is set; then the farewell, and the end."""
    stopping, following = None, None
    try:
        if first:
            yield first
        stopping = asyncio.ensure_future(shutdown.wait())
        while not shutdown.is_set():
            following = asyncio.ensure_future(anext(chunks))
            await asyncio.wait({following, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not following.done():
                break  # a chunk not yet made is never half sent
            try:
                chunk = following.result()
            except StopAsyncIteration:
                return
            following = None
            yield chunk
        yield farewell(retry_ms)
    finally:
        if stopping is not None:
            stopping.cancel()
        if following is not None and not following.done():
            following.cancel()  # thrown into the stream where it waits: its cleanup runs there
        else:
            await chunks.aclose()


def pieces(chunk: bytes, size: int) -> Iterator[bytes]:
    """The chunk cut at event ends into pieces of at most ``size`` bytes, or one event if that is
    larger: an event is never cut, since sse-starlette's pings may go out between two pieces."""
    start = 0
    while len(chunk) - start > size:
        end = chunk.rfind(EVENT_END, start, start + size)
        if end < 0:
            end = chunk.find(EVENT_END, start + size)
            if end < 0:
                break
        end += len(EVENT_END)
        yield chunk[start:end]
        start = end
    if start < len(chunk):
        yield chunk[start:]


class Cuts:
    """The pieces of recent chunks, by the chunk object: streams at the same point get one chunk
    (app.streaming.ChunkMemo) and so the same piece objects, whose compression the middleware
    finds by identity instead of hashing each stream's copy. Bounded in bytes (chunk and pieces)."""

    def __init__(self, max_bytes: int = 32_000_000):
        self.max_bytes, self._bytes = max_bytes, 0
        self._cut: OrderedDict[tuple[int, int], tuple[bytes, tuple[bytes, ...]]] = OrderedDict()

    def __call__(self, chunk: bytes, size: int) -> tuple[bytes, ...]:
        if len(chunk) <= size:
            return (chunk,)
        key = (id(chunk), size)
        hit = self._cut.get(key)
        if hit is not None and hit[0] is chunk:  # the chunk is held, so its id is not reused
            self._cut.move_to_end(key)
            return hit[1]
        cut = tuple(pieces(chunk, size))
        if 2 * len(chunk) <= self.max_bytes // 4:
            self._cut[key] = (chunk, cut)
            self._bytes += 2 * len(chunk)
            while self._bytes > self.max_bytes:
                self._bytes -= 2 * len(self._cut.popitem(last=False)[1][0])
        return cut


CUTS = Cuts()


async def in_pieces(chunks: AsyncIterator[bytes], size: int) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            for piece in CUTS(chunk, size):
                yield piece
    finally:
        await chunks.aclose()  # `async for` alone would leave the stream open when we are closed


class StreamResponse(EventSourceResponse):
    """Server-sent events sent as the client drains and ended cleanly when the server stops."""

    def __init__(self, chunks: AsyncIterator[bytes], settings: Settings, first: bytes = b"", **kwargs):
        shutdown = anyio.Event()
        body = in_pieces(until_shutdown(chunks, shutdown, settings.stream_retry_ms, first), settings.write_buffer_bytes)
        super().__init__(body, shutdown_event=shutdown, shutdown_grace_period=settings.shutdown_grace_seconds, **kwargs)
