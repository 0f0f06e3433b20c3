"""The static files (`static/`): content-hashed URLs, compressed once, served with long caching.

`url("js/chart.js")` is `/static/js/chart.<hash>.js`: the hash is of the file's bytes, so the URL
may be cached for a year (`immutable`); a changed file gets a new URL. ES modules import each
other by plain relative paths (`./chart.js`), which would miss the hash: the pages carry an
import map from every module's plain URL to its hashed one, so every import, static or dynamic,
lands on a hashed URL (one inline script, allowed in the CSP by its sha256). Plain URLs stay
served, `no-cache` with an ETag, for anything that names them.

Each file is read, hashed and gzipped once (and again only when it changes on disk); brotli at
its strongest (2.7 s for plotly's bundle) is done in a background thread at start-up, and gzip is
served until it is ready. Brotli bodies are kept on disk (`Settings.asset_cache_dir`) by file
version: the next worker, restart or replica of the image (which warms them at build) reads them
instead of spending seconds of CPU while its first class arrives."""
from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os.path
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from starlette.responses import Response

from app import compression

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["'](\.{1,2}/[^"']+)["']""", re.M)
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".md": "text/markdown; charset=utf-8"}


@dataclass
class Asset:
    rel: str
    body: bytes
    signature: tuple[int, int]  # mtime_ns, size: re-read when either changes
    digest: str = ""
    media_type: str = ""
    encoded: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self):
        self.digest = hashlib.sha256(self.body).hexdigest()[:12]
        suffix = Path(self.rel).suffix
        self.media_type = TYPES.get(suffix) or mimetypes.guess_type(self.rel)[0] or "application/octet-stream"
        if compression.compressible(self.media_type):
            self.encoded[compression.GZIP] = compression.compress(self.body, compression.GZIP, strongest=True)

    @property
    def url(self) -> str:
        path = Path(self.rel)
        return f"/static/{path.with_name(f'{path.stem}.{self.digest}{path.suffix}').as_posix()}"


# one per process, shared by every app built in it (tests build many): a file is compressed once
_CACHE: dict[Path, Asset] = {}
_WARMING = threading.Lock()


class Assets:
    def __init__(self, folder: Path, cache: Path | None = None):
        self.folder = folder.resolve()
        self.cache = cache

    def get(self, rel: str) -> Asset | None:
        path = (self.folder / rel).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
        asset = _CACHE.get(path)
        if asset is None or asset.signature != signature:
            asset = _CACHE[path] = Asset(rel, path.read_bytes(), signature)
        return asset

    def url(self, rel: str) -> str:
        asset = self.get(rel)
        if asset is None:
            raise FileNotFoundError(f"static/{rel}")
        return asset.url

    def modules(self) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in (self.folder / "js").rglob("*.js"))

    def import_map(self) -> str:
        """The import map's exact text (JSON, `<` escaped so it cannot close its script tag)."""
        imports = {f"/static/{rel}": self.url(rel) for rel in self.modules()}
        return json.dumps({"imports": imports}, separators=(",", ":")).replace("<", "\\u003c")

    def preloads(self, entry: str = "js/main.js") -> list[str]:
        """Hashed URLs of every module `entry` imports statically, depth first: preloaded, they
        load at once instead of one round trip per level of imports."""
        seen: list[str] = []
        todo = [entry]
        while todo:
            rel = todo.pop()
            asset = self.get(rel)
            if asset is None or rel in seen:
                continue
            seen.append(rel)
            base = Path(rel).parent
            for spec in STATIC_IMPORT.findall(asset.body.decode("utf-8", "replace")):
                todo.append(Path(os.path.normpath(base / spec)).as_posix())
        return [self.url(rel) for rel in seen[1:]]

    def warm(self) -> None:
        """Read every file and compress it at its strongest (run in a background thread)."""
        with _WARMING:
            self._warm()

    def _warm(self) -> None:
        for path in sorted(self.folder.rglob("*")):
            asset = self.get(path.relative_to(self.folder).as_posix()) if path.is_file() else None
            if asset is not None and compression.GZIP in asset.encoded and compression.BROTLI not in asset.encoded:
                asset.encoded[compression.BROTLI] = self._brotli(asset)

    def _brotli(self, asset: Asset) -> bytes:
        """The file at brotli's strongest: from the disk cache if a process made it, else made
        and left there (written whole, then renamed: a reader never sees half a file)."""
        kept = self.cache / f"{asset.url.removeprefix('/static/').replace('/', '_')}.br" if self.cache else None
        if kept is not None and kept.is_file():
            return kept.read_bytes()
        body = compression.compress(asset.body, compression.BROTLI, strongest=True)
        if kept is not None:
            try:
                kept.parent.mkdir(parents=True, exist_ok=True)
                partial = kept.with_name(f"{kept.name}.{os.getpid()}.{threading.get_ident()}")
                partial.write_bytes(body)
                os.replace(partial, kept)
            except OSError:  # a read-only disk: compressing at every start is slower, not wrong
                pass
        return body

    def lookup(self, path: str) -> tuple[Asset, bool] | None:
        """The asset a request path names and whether it may be cached for good: only a hashed
        URL whose hash is the file's current one (an older page's URL gets today's file, no-cache)."""
        asset = self.get(path)
        if asset is not None:
            return asset, False
        match = HASHED.match(path)
        asset = self.get(match["stem"] + match["ext"]) if match else None
        return (asset, asset.digest == match["digest"]) if asset else None


def respond(asset: Asset, immutable: bool, accept_encoding: str | None, if_none_match: str | None) -> Response:
    """The file in the best coding the client takes, its own ETag, 304 when the client has it."""
    coding = compression.pick(accept_encoding, [c for c in (compression.BROTLI, compression.GZIP) if c in asset.encoded])
    etag = compression.encoded_etag(f'"{asset.digest}"', coding) if coding else f'"{asset.digest}"'
    headers = {"Cache-Control": IMMUTABLE if immutable else REVALIDATE, "ETag": etag}
    if compression.etag_matches(if_none_match, asset.digest):
        return Response(status_code=304, headers={**headers, "Vary": "Accept-Encoding"} if asset.encoded else headers)
    if coding:
        headers["Content-Encoding"] = coding
    return Response(asset.encoded.get(coding, asset.body), media_type=asset.media_type, headers=headers)


def script_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

