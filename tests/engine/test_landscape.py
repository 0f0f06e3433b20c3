import numpy as np
import pytest

from app.engine import make_dataset
from app.engine.landscape import least_squares, linear_landscape, mse_grid


def test_grid_matches_brute_force_mse():
    d = make_dataset("linear", 200, seed=2)
    ws, bs = np.array([-1.0, 0.5, 2.0]), np.array([0.0, 1.5])
    grid = mse_grid(d.X_train, d.y_train, ws, bs)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert grid[i, j] == pytest.approx(np.mean((w * d.X_train + b - d.y_train) ** 2), rel=1e-12)


def test_landscape_holds_start_and_minimum():
    d = make_dataset("linear", 500, seed=0)
    land = linear_landscape(d.X_train, d.y_train, start=(-1.2, 0.0))
    w, b = least_squares(d.X_train, d.y_train)
    assert land["minimum"]["w"] == pytest.approx(w) and land["minimum"]["b"] == pytest.approx(b)
    assert land["w"][0] < -1.2 < land["w"][-1] and land["b"][0] < 0.0 < land["b"][-1]
    loss = np.array(land["loss"])
    assert loss.shape == (61, 61) and loss.min() >= land["minimum"]["loss"] - 1e-12
