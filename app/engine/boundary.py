"""Decision boundaries of 2-D classification runs: P(class 1) on a grid over the data."""
from __future__ import annotations

import numpy as np

from .datasets import Dataset

BOUNDARY_GRID = 40  # grid points per side


def boundary_grid(data: Dataset) -> dict | None:
    """The grid over the data with a 10% margin (None unless 2-D classification)."""
    if data.task != "classification" or data.X_train.shape[1] != 2:
        return None
    X = np.vstack([data.X_train, data.X_val])
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo)
    return {"x0": [float(lo[0] - pad[0]), float(hi[0] + pad[0])],
            "x1": [float(lo[1] - pad[1]), float(hi[1] + pad[1])], "n": BOUNDARY_GRID}


class BoundaryPainter:
    """The model's P(class 1) on one grid; its points are made at the first picture."""

    def __init__(self, grid: dict):
        self.grid = grid
        self._points: np.ndarray | None = None

    @property
    def n_points(self) -> int:
        return self.grid["n"] ** 2

    def probs(self, model) -> list[float]:
        """Row-major (x1 rows, x0 columns), rounded to 4 digits."""
        if self._points is None:
            g = self.grid
            a, b = np.meshgrid(np.linspace(*g["x0"], g["n"]), np.linspace(*g["x1"], g["n"]))
            self._points = np.column_stack([a.ravel(), b.ravel()])
        z = model.forward(self._points, training=False)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p1 = p[:, 1] / p.sum(axis=1)
        return np.round(p1, 4).tolist()
