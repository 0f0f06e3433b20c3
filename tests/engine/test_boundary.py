"""Decision boundaries: a grid over 2-D classification data and P(class 1) on it."""
import numpy as np

from app.engine import make_dataset
from app.engine.boundary import BOUNDARY_GRID, BoundaryPainter, boundary_grid
from app.engine.models import build_model


def test_the_grid_covers_the_data_with_a_margin_and_only_2d_classes_have_one():
    data = make_dataset("moons", 200, seed=1)
    grid = boundary_grid(data)
    X = np.vstack([data.X_train, data.X_val])
    assert grid["n"] == BOUNDARY_GRID
    assert grid["x0"][0] < X[:, 0].min() and grid["x0"][1] > X[:, 0].max()
    assert grid["x1"][0] < X[:, 1].min() and grid["x1"][1] > X[:, 1].max()
    assert boundary_grid(make_dataset("linear", 50, seed=1)) is None


def test_probabilities_are_the_models_softmax_row_by_row():
    grid = {"x0": [-1.0, 1.0], "x1": [0.0, 2.0], "n": 3}
    model = build_model("logistic", 2, 2, np.random.default_rng(0))
    probs = BoundaryPainter(grid).probs(model)
    assert len(probs) == 9
    x0, x1 = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(0, 2, 3))
    z = model.forward(np.column_stack([x0.ravel(), x1.ravel()]), training=False)
    expected = np.exp(z[:, 1]) / np.exp(z).sum(axis=1)
    np.testing.assert_allclose(probs, expected, atol=5e-5)  # rounded to 4 digits
