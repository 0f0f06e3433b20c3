"""A live app for the page benchmarks: uvicorn in its own process (as deployed, not sharing the
benchmark's GIL), with the measured comparisons already computed and cached."""
from __future__ import annotations

import html
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.lessons import DEFAULT_QUERY  # noqa: E402
from support import start_server  # noqa: E402

EMBED = "/embed?batch_size=full,1,100&epochs=20&autoplay=true"
PAGES = {"/": "/", "embed": EMBED}
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


@contextmanager
def live_app():
    """Yields the base URL of a fresh uvicorn serving this checkout; the comparisons of `/` (the
    default) and of the embed are trained first, and the pictures they show drawn, so the pages
    measure delivery, not training."""
    proc, url = start_server()
    try:
        for query in (DEFAULT_QUERY, EMBED.split("?", 1)[1]):
            httpx.get(f"{url}/api/history?{query}", timeout=120).raise_for_status()
        for path in PAGES.values():
            page = httpx.get(url + path, headers={"Accept-Language": "en-US"}, timeout=30).text
            for src in re.findall(r'id="chart-picture"[^>]*?src="([^"]+)"', page):
                httpx.get(url + html.unescape(src), timeout=120).raise_for_status()
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
