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
"""
from __future__ import annotations

import zlib

import brotli

GZIP, BROTLI = "gzip", "br"
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
