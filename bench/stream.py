"""Streaming cost: time to the first `points` event, and a whole stream vs the engine alone.

Starts a real uvicorn on 127.0.0.1 (cache off, one training slot), streams comparisons over
SSE with httpx, and in the same run times the engine on the same runs without any web layer.
Target: streaming costs <= 15% over the engine (ratio <= 1.15).

    .venv/bin/python bench/stream.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import orjson  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from app.engine import Trainer  # noqa: E402
from app.links import parse_comparison  # noqa: E402
from support import start_server  # noqa: E402
from targets import record  # noqa: E402


COMPARISONS = [
    "n_samples=1000&epochs=20&batch_size=full,1,100",
    "n_samples=20000&epochs=10&batch_size=full,1,100",
    "dataset=digits&model=mlp&hidden=32&epochs=10&batch_size=1,32&validation_split=0.2",
]
# one kept-alive client, as a browser keeps its connection: httpx.get() builds a client (and its
# TLS context) per call, ~30-40 ms of the bench's own that no user waits for
CLIENT = httpx.Client(timeout=300)


def engine_seconds(query: str, seed: int) -> float:
    runs = parse_comparison(f"{query}&seed={seed}")
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        for run in runs:
            for _ in Trainer(run.train_config(), measure_noise=True).steps():  # as the app trains
                pass
    return time.perf_counter() - start


def stream_seconds(url: str, query: str, seed: int) -> tuple[float, float, int]:
    """(seconds to the first points event, seconds to end, updates received)."""
    start = time.perf_counter()
    first = None
    updates = 0
    with CLIENT.stream("GET", f"{url}/api/stream?{query}&seed={seed}") as r:
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "points":
                first = first or time.perf_counter() - start
                updates += len(orjson.loads(line[5:])["loss"])  # a browser's JSON.parse is as quick
            elif line.startswith("data:") and event == "end":
                break
    return first or float("nan"), time.perf_counter() - start, updates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    proc, url = start_server(GDV_CACHE_RUNS="0", GDV_TRAINING_SLOTS="1")
    ok = True
    try:
        print(f"{'comparison':58} {'first pts':>9} {'engine':>8} {'stream':>8} {'ratio':>6}")
        for query in COMPARISONS:
            firsts, engines, streams = [], [], []
            for rep in range(args.repeat):
                seed = 100 + rep  # a new seed each time, so nothing is served from a cache
                engines.append(engine_seconds(query, seed))
                first, total, _ = stream_seconds(url, query, seed)
                firsts.append(first)
                streams.append(total)
            engine, stream = min(engines), min(streams)
            ratio = stream / engine
            print(f"{query[:58]:58} {min(firsts) * 1000:7.0f}ms {engine:7.3f}s {stream:7.3f}s {ratio:6.2f}")
            # a stream also waits one tick (50 ms) for its last points: judge that on big runs only
            if engine > 0.5:
                ok &= record("stream", f"stream / engine <= 1.15: {query[:40]}", f"{ratio:.2f}", ratio <= 1.15)
    finally:
        proc.terminate()
        proc.wait(10)
    print("\ntarget: stream / engine <= 1.15 on comparisons taking over 0.5 s")
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
