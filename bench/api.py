"""What a user waits for: /api/history of a fresh comparison (new seed, nothing cached) next to a
hand-written numpy loop doing the same training (bench/handloops.py), measured side by side in
this run with one BLAS thread on both sides; plus stream vs history, every preset, first request.

    make bench            # or: .venv/bin/python bench/api.py
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import orjson  # noqa: E402
from handloops import train  # noqa: E402
from stream import CLIENT, start_server, stream_seconds  # noqa: E402
from targets import record  # noqa: E402

from app.engine import Trainer  # noqa: E402
from app.lessons import LESSONS  # noqa: E402
from app.links import parse_comparison  # noqa: E402

CASES = [  # name, query, target ratio, hand-loop arguments
    ("linear, batch 1, 20000 updates", "dataset=linear&n_samples=1000&batch_size=1&epochs=20", 0.5,
     dict(batch=1, epochs=20)),
    ("A: MLP 16x16 tanh Adam, batch 1", "dataset=moons&n_samples=1000&model=mlp&hidden=16x16&activation=tanh"
     "&optimizer=adam&learning_rate=0.01&batch_size=1&epochs=20", 0.25,
     dict(hidden=(16, 16), activation="tanh", loss="cross_entropy", optimizer="adam", batch=1, epochs=20)),
    ("B: the same, batch 16", "dataset=moons&n_samples=1000&model=mlp&hidden=16x16&activation=tanh"
     "&optimizer=adam&learning_rate=0.01&batch_size=16&epochs=20", 0.5,
     dict(hidden=(16, 16), activation="tanh", loss="cross_entropy", optimizer="adam", batch=16, epochs=20)),
    ("C: digits MLP 32 relu, momentum, batch 1", "dataset=digits&model=mlp&hidden=32&activation=relu&optimizer=sgd"
     "&momentum=0.9&learning_rate=0.005&batch_size=1&epochs=5", 0.25,
     dict(hidden=(32,), loss="cross_entropy", momentum=0.9, lr=0.005, batch=1, epochs=5)),
]
DEFAULT_LINK = LESSONS[0].query
seeds = count(1000)


def history_seconds(url: str, query: str) -> float:
    began = time.perf_counter()
    r = CLIENT.get(f"{url}/api/history?{query}&seed={next(seeds)}")
    r.raise_for_status()
    orjson.loads(r.content)  # usable data, as the stream's points are parsed (bench/stream.py)
    return time.perf_counter() - began


def hand_seconds(query: str, kwargs: dict) -> float:
    cfg = parse_comparison(query)[0].train_config()
    data = cfg.make_data()
    began = time.perf_counter()
    train(data.X_train, data.y_train, seed=1, **kwargs)
    return time.perf_counter() - began


def bare_seconds(query: str) -> float:
    """The compiled kernel alone on the same training: whole epochs per call, no side work."""
    trainer = Trainer(parse_comparison(query)[0].train_config(), track_path=False)
    steps = trainer.engine
    per_epoch = trainer.plan.iterations_per_epoch
    began = time.perf_counter()
    for _ in range(trainer.plan.epochs):
        steps.epoch(trainer.epoch_order())
        steps.run(0, per_epoch, 0, math.inf, 0, trainer.stop)
    return time.perf_counter() - began


def main() -> int:
    ok = True
    proc, url = start_server()
    try:
        history_seconds(url, "batch_size=full&epochs=1")  # warm
        print(f"{'case':42} {'via API':>9} {'hand numpy':>11} {'ratio':>7}")
        for name, query, target, kwargs in CASES:
            apis, hands = [], []
            for _ in range(3):  # alternated, so a noisy neighbour slows both sides alike
                apis.append(history_seconds(url, query))
                hands.append(hand_seconds(query, kwargs))
            api, hand = min(apis), min(hands)
            print(f"{name:42} {api:8.3f}s {hand:10.3f}s {api / hand:6.2f}x")
            ok &= record("api", f"{name} vs hand numpy <= {target}x", f"{api / hand:.3f}x", api / hand <= target)
            if name.startswith("A:"):  # stretch: within 2x of a bare numba loop; reported, not a gate
                bare = min(bare_seconds(query) for _ in range(3))
                print(f"{'A: bare compiled loop':42} {bare:8.3f}s")
                record("api", "stretch: A via API within 2x of a bare compiled loop (reported)",
                       f"{min(apis) / bare:.2f}x", True)
        hist = min(history_seconds(url, DEFAULT_LINK) for _ in range(3))
        stream = min(stream_seconds(url, DEFAULT_LINK, next(seeds))[1] for _ in range(3))
        print(f"default link: stream {stream:.3f}s, history {hist:.3f}s")
        ok &= record("api", "whole stream / history, default link <= 1.2x", f"{stream / hist:.2f}x", stream / hist <= 1.2)
        for lesson in LESSONS:
            took = history_seconds(url, lesson.query)
            ok &= record("api", f"lesson {lesson.name} computes in <= 0.5 s", f"{took:.3f} s", took <= 0.5)
    finally:
        proc.terminate()
        proc.wait(10)
    with tempfile.TemporaryDirectory() as cache:  # as the Docker image: a cache holding only warm()'s kernels
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from app.engine.compiled import warm; warm()"], check=True,
                       cwd=ROOT, env={**os.environ, "NUMBA_CACHE_DIR": cache})
        build = time.perf_counter() - began
        began = time.perf_counter()
        proc, url = start_server(NUMBA_CACHE_DIR=cache)
        try:
            ready = time.perf_counter() - began
            first = history_seconds(url, "batch_size=full,1&epochs=2&model=mlp&dataset=moons")
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"first request after start-up: {first:.3f}s (server up after {ready:.2f}s; "
          f"build-time warm-up into an empty cache {build:.1f}s)")
    ok &= record("api", "first request after start-up <= 1 s", f"{first:.3f} s", first <= 1.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
