"""Fits the cost model of app/engine/cost.py: seconds per pass = fixed + examples x params x c,
for an update on each path, a numpy forward pass and a full-batch gradient; prints the constants to paste there and
how well the current ones predict whole runs.

    .venv/bin/python bench/calibrate.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from targets import record  # noqa: E402

from app.engine import Trainer, predict_seconds  # noqa: E402
from support import train_config  # noqa: E402

SHAPES = [  # (data set keys, batch sizes)
    (dict(n_samples=2000), (1, 32, 500)),
    (dict(dataset="moons", model="mlp", hidden="16x16", n_samples=2000), (1, 16, 200)),
    (dict(dataset="digits", model="mlp", hidden="32"), (1, 32, 256)),
    (dict(dataset="digits", model="mlp", hidden="64x64"), (1, 64)),
]


def update_seconds(keys: dict, batch: int, compiled: bool) -> tuple[float, int]:
    """Seconds per update inside long segments (no evaluations in between)."""
    epochs = max(1, min(50, 20000 * batch // 2000 // max(1, batch)))
    trainer = Trainer(train_config(batch_size=batch, epochs=epochs, **keys), compiled=compiled, track_path=False)
    engine = trainer.engine
    per_epoch = trainer.plan.iterations_per_epoch
    steps = min(per_epoch, 4000)
    engine.epoch(None)
    engine.run(0, min(steps, 5), 0, np.inf, 0, trainer.stop)  # warm
    best = np.inf
    for _ in range(3):
        began = time.perf_counter()
        engine.run(0, steps, 0, np.inf, 0, trainer.stop)
        best = min(best, (time.perf_counter() - began) / steps)
    return best, trainer.model.n_params


def side_seconds(keys: dict) -> list[tuple[int, int, float, float]]:
    """(examples, params, forward seconds, full-gradient seconds) on slices of the training set."""
    trainer = Trainer(train_config(**keys), measure_noise=True)
    X, Y = trainer.context.X, trainer.context.Y
    rows = []
    for n in (16, 256, len(X)):
        timed = []
        for work in (lambda: trainer.model.forward(X[:n], False), lambda: trainer.context.full_gradient(X[:n], Y[:n])):
            work()
            began = time.perf_counter()
            for _ in range(20):
                work()
            timed.append((time.perf_counter() - began) / 20)
        rows.append((n, trainer.model.n_params, *timed))
    return rows


def fit(rows):
    """Least squares on relative error: small passes count as much as big ones."""
    A = np.array([[1.0 / t, b / t, b * p / t] for b, p, t in rows])
    coef, *_ = np.linalg.lstsq(A, np.ones(len(rows)), rcond=None)
    return coef


def main() -> int:
    for compiled in (True, False):
        rows = []
        for keys, batches in SHAPES:
            for batch in batches:
                seconds, n_params = update_seconds(keys, batch, compiled)
                rows.append((batch, n_params, seconds))
        fixed, per_ex, per = fit(rows)
        print(f"UPDATE[{'compiled' if compiled else 'numpy'!r}] = PassCost({fixed:.3g}, {per_ex:.3g}, {per:.3g})")
        for b, p, t in rows:
            print(f"   batch {b:4} params {p:6}: measured {t * 1e6:9.2f} us, fit {(fixed + b * (per_ex + p * per)) * 1e6:9.2f} us")
    sides = [row for keys, _ in SHAPES for row in side_seconds(keys)]
    for name, column in (("FORWARD", 2), ("FULL_GRADIENT", 3)):
        fixed, per_ex, per = fit([(row[0], row[1], row[column]) for row in sides])
        print(f"{name} = PassCost({fixed:.3g}, {per_ex:.3g}, {per:.3g})")
    worst = 0.0
    for keys, batches in SHAPES:
        for batch in batches:
            cfg = train_config(batch_size=batch, epochs=2, **keys)
            began = time.perf_counter()
            for _ in Trainer(cfg, measure_noise=True).steps():
                pass
            took = time.perf_counter() - began
            ratio = predict_seconds(cfg) / took
            worst = max(worst, ratio, 1 / ratio)
            print(f"{str(keys):70} batch {batch:4}: predicted / measured = {ratio:.2f}")
    return 0 if record("cost", "predicted seconds within 3x of measured", f"worst {worst:.2f}x", worst <= 3) else 1


if __name__ == "__main__":
    sys.exit(main())
