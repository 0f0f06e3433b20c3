"""A lean stream reader for bench/load.py: one raw HTTP/1.1 GET per connection, as a browser
sends it, timed on the wire.

The load generator stands in for 1,000 browsers on other machines but shares the server's
cores, so its own cost is kept small: while streams are open it only reads bytes and decodes
each stream until its first event is in (that is what is timed); de-chunking, decompression
and the check of every update happen after all streams ended (``body``).
"""
from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field

import brotli

ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # Chromium's


@dataclass
class Reading:
    status: int | None = None
    connect: float | None = None  # seconds from the start: TCP connected
    headers: float | None = None  # response line and headers in
    first: float | None = None  # first whole event decoded
    error: str | None = None
    coding: str = ""
    chunked: bool = False
    raw: bytearray = field(default_factory=bytearray)
    server_timing: str = ""


def dechunk(raw: bytes) -> bytes:
    """The body of a chunked transfer coding (RFC 9112 7.1); raises if it did not end."""
    out, at = bytearray(), 0
    while True:
        line_end = raw.index(b"\r\n", at)
        size = int(raw[at:line_end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += raw[line_end + 2:line_end + 2 + size]
        at = line_end + 2 + size + 2


class Decoder:
    """Content decoding as a browser does it (gzip, br or none)."""

    def __init__(self, coding: str):
        self.gzip = zlib.decompressobj(zlib.MAX_WBITS | 16) if coding == "gzip" else None
        self.br = brotli.Decompressor() if coding == "br" else None

    def feed(self, data: bytes) -> bytes:
        if self.gzip:
            return self.gzip.decompress(data)
        return self.br.process(data) if self.br else data


def body(reading: Reading) -> bytes:
    """The decoded body, after the fact; raises if the transfer or the coding is broken."""
    data = dechunk(bytes(reading.raw)) if reading.chunked else bytes(reading.raw)
    decoder = Decoder(reading.coding)
    out = decoder.feed(data)
    if decoder.gzip and (not decoder.gzip.eof or decoder.gzip.unused_data):
        raise ValueError("gzip body incomplete or followed by stray bytes")
    if decoder.br and not decoder.br.is_finished():
        raise ValueError("brotli body incomplete")
    return out


class FirstEvent:
    """Decodes a stream's opening bytes until one whole event is in."""

    def __init__(self, reading: Reading):
        self.reading, self.pending, self.text = reading, bytearray(), bytearray()
        self.decoder = Decoder(reading.coding)

    def found(self, data: bytes) -> bool:
        self.pending += data
        if not self.reading.chunked:
            self.text += self.decoder.feed(bytes(self.pending))
            self.pending.clear()
        while self.reading.chunked:
            line_end = self.pending.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.pending[:line_end].split(b";")[0], 16)
            if len(self.pending) < line_end + 4 + size:
                break
            self.text += self.decoder.feed(bytes(self.pending[line_end + 2:line_end + 2 + size]))
            del self.pending[:line_end + 4 + size]
        return b"event:" in self.text and b"\r\n\r\n" in self.text[self.text.find(b"event:"):]


async def read_stream(host: str, port: int, target: str, deadline: float) -> Reading:
    """GET ``target`` and read the whole response, timing connect, headers and first event."""
    start, reading = time.perf_counter(), Reading()
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(30):
            reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError) as exc:
        reading.error = f"connect: {type(exc).__name__}: {exc}"
        return reading
    reading.connect = time.perf_counter() - start
    try:
        async with asyncio.timeout_at(loop.time() + deadline - time.perf_counter()):
            await _read(reader, writer, reading, start, f"{host}:{port}", target)
    except TimeoutError:
        reading.error = "TimeoutError: stream still open at the time limit"
    except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
        reading.error = f"{type(exc).__name__}: {exc}"
    finally:
        writer.close()
    return reading


async def _read(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, reading: Reading, start: float,
                host: str, target: str) -> None:
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
                 f"Accept-Encoding: {ACCEPT_ENCODING}\r\nConnection: close\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    reading.headers = time.perf_counter() - start
    lines = head.decode("latin-1").split("\r\n")
    reading.status = int(lines[0].split()[1])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        reading.coding = value if name == "content-encoding" else reading.coding
        reading.chunked |= name == "transfer-encoding" and "chunked" in value
        reading.server_timing = value if name == "server-timing" else reading.server_timing
    first = FirstEvent(reading) if reading.status == 200 else None
    while data := await reader.read(262_144):
        reading.raw += data
        if first is not None and first.found(data):
            reading.first, first = time.perf_counter() - start, None
