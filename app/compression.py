"""Content codings shared by the static files (compressed once) and the compression middleware
(dynamic answers): which coding a client takes, one-shot and streaming encoders, and ETags of
encoded representations.

Measured on this app's answers (best of 3): they are mostly JSON floats, which every setting
shrinks about 2.7x, so speed decides. The default comparison's history (541 KB): brotli 1 makes
199 KB in 2.2 ms, brotli 4 201 KB in 25 ms, gzip 6 202 KB in 57 ms, gzip 1 214 KB in 20 ms; a
5.1 MB stream, chunk by chunk: brotli 1 1.86 MB at 75 MB/s, brotli 4 1.96 MB at 18 MB/s, gzip 6
1.93 MB at 7 MB/s, gzip 1 2.05 MB at 47 MB/s. So dynamic answers and streams take brotli 1, or
gzip 1 for a client without brotli (a classroom of 100 streams pays it 100 times). Static files
are compressed once at the strongest settings (plotly's bundle: brotli 11 401 KiB, gzip 9 484).

Streams of server-sent events go as one gzip member whose deflate data is spliced from pieces
compressed once each (``SharedDeflate``): a class following one link gets the same catch-up and
the same live chunks, so each is compressed once, not once per student. Measured on the default
comparison's 562 KB catch-up in 64 KiB pieces: brotli 1 per stream 201 KB in 8.9 ms per
stream; spliced gzip 1 225 KB in 15 ms once for all (gzip 6: 216 KB, 115 ms). A client without
gzip gets brotli per stream.
"""
from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from functools import lru_cache

import brotli

GZIP, BROTLI = "gzip", "br"
EVENT_STREAM = "text/event-stream"
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # deflate, no name, no time, Unix (RFC 1952)
DEFLATE_END = b"\x03\x00"  # an empty final block (fixed codes)
SHARE_ABOVE = 256  # smaller pieces (pings) are compressed each time, not kept
COMBINE_ABOVE = 16_384  # CRCs of larger pieces sent often are combined, not recomputed per stream ...
COMBINE_AFTER = 16  # ... once this many streams took them (the combination costs 32 CRCs per length)
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
SUFFIX = {GZIP: "-gzip", BROTLI: "-br"}


def compressible(content_type: str) -> bool:
    return content_type.lower().startswith(TEXT_TYPES)


def accepted(accept_encoding: str | None) -> set[str]:
    """The codings of an Accept-Encoding header the client takes (q > 0)."""
    taken = set()
    for item in (accept_encoding or "").split(","):
        name, _, params = item.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                taken.add(name.strip().lower())
        except ValueError:
            continue
    return taken


def pick(accept_encoding: str | None, available=(BROTLI, GZIP)) -> str | None:
    taken = accepted(accept_encoding)
    return next((c for c in available if c in taken or "*" in taken), None)


def compress(body: bytes, coding: str, strongest: bool = False) -> bytes:
    if coding == BROTLI:
        return brotli.compress(body, quality=11 if strongest else 1)
    encoder = zlib.compressobj(9 if strongest else 1, zlib.DEFLATED, 31)  # 31: a gzip wrapper
    return encoder.compress(body) + encoder.flush()


class Encoder:
    """Streaming: every chunk is flushed at once (server-sent events must not wait in a buffer);
    the window carries over, so later chunks still compress against the earlier ones."""

    def __init__(self, coding: str):
        self.coding = coding
        self._brotli = brotli.Compressor(quality=1) if coding == BROTLI else None
        self._gzip = None if self._brotli else zlib.compressobj(1, zlib.DEFLATED, 31)

    def chunk(self, data: bytes) -> bytes:
        if self._brotli:
            return self._brotli.process(data) + self._brotli.flush()
        return self._gzip.compress(data) + self._gzip.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._brotli.finish() if self._brotli else self._gzip.flush(zlib.Z_FINISH)


def encoded_etag(etag: str, coding: str) -> str:
    """A strong ETag names one representation: the encoded one gets its own (as Apache does)."""
    weak, tag = (etag[:2], etag[2:]) if etag.startswith("W/") else ("", etag)
    return f'{weak}"{tag.strip(chr(34))}{SUFFIX[coding]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match holds this tag or one of its encoded twins (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    base = etag.removeprefix("W/").strip('"')
    for item in if_none_match.split(","):
        tag = item.strip().removeprefix("W/").strip('"')
        if tag == "*" or tag == base or tag in (base + s for s in SUFFIX.values()):
            return True
    return False


def deflate_piece(piece: bytes) -> tuple[bytes, int]:
    """A piece compressed alone (its own window) and sync-flushed: it ends on a byte boundary in
    a non-final block, so it can follow any other such piece in one deflate stream (RFC 1951)."""
    encoder = zlib.compressobj(1, zlib.DEFLATED, -15)
    return encoder.compress(piece) + encoder.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(piece)


@lru_cache(maxsize=128)
def _zeros(n: int) -> tuple[int, ...]:
    """The linear map a CRC-32 undergoes when n zero bytes follow, one column per bit."""
    zeros = bytes(n)
    base = zlib.crc32(zeros)
    return tuple(zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from crc(A), crc(B) and len(B), as zlib's crc32_combine."""
    out, columns, bit = crc2, _zeros(len2), 0
    while crc1:
        if crc1 & 1:
            out ^= columns[bit]
        crc1 >>= 1
        bit += 1
    return out


class SharedDeflate:
    """Compressed pieces kept by their bytes (LRU, bounded): streams at the same point send the
    same pieces (the same objects: app.sending keeps a chunk's pieces), so a lookup is cheap."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self._bytes = max_bytes, 0
        self._memo: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()

    def get(self, piece: bytes) -> tuple[bytes, int, int] | None:
        """(deflate data, CRC-32, how many times it was served before) if kept."""
        hit = self._memo.get(piece)
        if hit is None:
            return None
        self._memo.move_to_end(piece)
        hit[2] += 1
        return hit[0], hit[1], hit[2]

    def put(self, piece: bytes, compressed: tuple[bytes, int]) -> tuple[bytes, int, int]:
        if len(piece) >= SHARE_ABOVE and piece not in self._memo:
            self._memo[piece] = [*compressed, 0]
            self._bytes += len(piece) + len(compressed[0])
            while self._memo and self._bytes > self.max_bytes:
                old, (data, *_) = self._memo.popitem(last=False)
                self._bytes -= len(old) + len(data)
        return (*compressed, 0)


class SplicedGzip:
    """One stream's gzip member: the header, shared deflate pieces, then the end and trailer."""

    coding = GZIP

    def __init__(self):
        self.crc, self.size, self.head = 0, 0, GZIP_HEADER

    def chunk(self, piece: bytes, compressed: tuple[bytes, int, int]) -> bytes:
        data, crc, served = compressed
        combine = served >= COMBINE_AFTER and len(piece) > COMBINE_ABOVE
        self.crc = crc32_combine(self.crc, crc, len(piece)) if combine else zlib.crc32(piece, self.crc)
        self.size += len(piece)
        out, self.head = self.head + data, b""
        return out

    def finish(self) -> bytes:
        out, self.head = self.head + DEFLATE_END + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF), b""
        return out
