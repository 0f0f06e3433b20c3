"""The link-preview picture (/api/picture): time to draw it for a comparison whose runs are cached
(what a chat's unfurler waits for once the link has been opened), and its size.

Starts a real uvicorn on 127.0.0.1, trains each comparison once (/api/history), then asks for its
picture in each of the four languages: each is a new drawing (a new ETag) of the same cached runs,
and the best of the four is the comparison's time (as the other benchmarks, best of repeats: a
busy machine only adds to a time). Targets: the slowest comparison <= 0.3 s, every picture <= 150 KB.

    .venv/bin/python bench/picture.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stream import CLIENT, start_server  # noqa: E402
from targets import record  # noqa: E402

from app.i18n import LANGUAGES  # noqa: E402
from app.lessons import LESSONS  # noqa: E402

CASES = [(lesson.name, f"{lesson.query}&lesson={lesson.name}") for lesson in LESSONS] + [
    ("8 runs, batch 1 to full", "dataset=linear&n_samples=1000&epochs=20&batch_size=1,2,4,8,16,32,64,full"),
]


def fetch(url: str, headers: dict | None = None) -> tuple[float, bytes, int]:
    began = time.perf_counter()
    r = CLIENT.get(url, headers=headers or {})
    took = time.perf_counter() - began
    if r.status_code not in (200, 304):
        raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")
    return took, r.content, r.status_code


def main() -> int:
    proc, url = start_server(GDV_CACHE_RUNS="256")
    try:
        # matplotlib's import and fonts; a comparison of its own, so no later picture is a kept one
        first, _, _ = fetch(f"{url}/api/picture?{LESSONS[0].query}&seed=7")
        print(f"first picture after start-up (training and matplotlib's import included): {first:.2f} s")
        worst_time, worst_size = 0.0, 0
        print(f"{'comparison':28} {'lang':6} {'seconds':>8} {'KB':>6}")
        for name, query in CASES:
            CLIENT.get(f"{url}/api/history?{query}").raise_for_status()  # the runs are cached from now on
            times = []
            for lang in LANGUAGES:
                took, png, _ = fetch(f"{url}/api/picture?{query}&lang={lang}")
                times.append(took)
                worst_size = max(worst_size, len(png))
                print(f"{name:28} {lang:6} {took:8.3f} {len(png) / 1000:6.1f}")
            worst_time = max(worst_time, min(times))
        again, _, _ = fetch(f"{url}/api/picture?{CASES[0][1]}&lang=en")
        tag = CLIENT.get(f"{url}/api/picture?{CASES[0][1]}&lang=en").headers["etag"]
        revalidate, _, status = fetch(f"{url}/api/picture?{CASES[0][1]}&lang=en", {"If-None-Match": tag})
        print(f"the same picture again: {again * 1000:.1f} ms; revalidated ({status}): {revalidate * 1000:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(10)
    ok = record("picture", "picture of a cached comparison <= 0.3 s (slowest lesson, best of 4 languages)",
                f"{worst_time:.3f} s", worst_time <= 0.3)
    ok &= record("picture", "picture <= 150 KB (largest)", f"{worst_size / 1000:.0f} KB", worst_size <= 150_000)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
