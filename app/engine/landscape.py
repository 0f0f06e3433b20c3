"""The training loss of the one-feature linear model over the (w, b) plane, in closed form.

For MSE, L(w, b) = mean((w x + b - y)^2)
                 = w^2 E[x^2] + 2 w b E[x] + b^2 - 2 w E[xy] - 2 b E[y] + E[y^2],
so a whole grid costs a few array operations, and the minimum is the least-squares solution.
"""
from __future__ import annotations

import numpy as np


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    A = np.column_stack([X[:, 0], np.ones(len(X))])
    (w, b), *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    return float(w), float(b)


def mse_grid(X: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """Loss at every (w, b): rows follow ``bs``, columns ``ws``."""
    x, t = X[:, 0], y[:, 0]
    exx, ex, exy, ey, eyy = (x * x).mean(), x.mean(), (x * t).mean(), t.mean(), (t * t).mean()
    W, B = np.meshgrid(ws, bs)
    return W * W * exx + 2 * W * B * ex + B * B - 2 * W * exy - 2 * B * ey + eyy


def linear_landscape(X: np.ndarray, y: np.ndarray, start: tuple[float, float], n: int = 61) -> dict:
    """A square-ish window around the minimum that also holds the starting point."""
    w_min, b_min = least_squares(X, y)
    half_w = max(abs(start[0] - w_min) * 1.5, 1.0)
    half_b = max(abs(start[1] - b_min) * 1.5, 1.0)
    ws = np.linspace(w_min - half_w, w_min + half_w, n)
    bs = np.linspace(b_min - half_b, b_min + half_b, n)
    loss = mse_grid(X, y, ws, bs)
    return {
        "w": ws.tolist(), "b": bs.tolist(), "loss": loss.tolist(),
        "minimum": {"w": w_min, "b": b_min, "loss": float(mse_grid(X, y, np.array([w_min]), np.array([b_min]))[0, 0])},
    }
