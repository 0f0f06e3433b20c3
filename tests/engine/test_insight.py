"""Numbers behind the views: gradient noise, parameter paths, early stopping, boundaries."""

import numpy as np
import pytest

from app.engine import Boundary, Eval, PathPoint, Trainer, Updates
from tests.support.configs import train_config


def flat(steps):
    """Every update as its own ``Update`` (the trainer yields them in arrays)."""
    return [u for s in steps if isinstance(s, Updates) for u in s.expand()]


def steps_of(config, **options):
    trainer = Trainer(config, **options)
    return trainer, list(trainer.steps())


def test_gradient_cosine_against_hand_computed_gradients():
    config = train_config(n_samples=40, batch_size=4, epochs=1, shuffle=False)
    trainer = Trainer(config, measure_noise=True)
    X, y = trainer.data.X_train[:, 0], trainer.data.y_train[:, 0]
    w, b = trainer.initial_params["w"][0], trainer.initial_params["b"]
    first = flat(trainer.steps())[0]
    rb = w * X[:4] + b - y[:4]
    g_batch = np.array([np.mean(2 * rb * X[:4]), np.mean(2 * rb)])
    rf = w * X + b - y
    g_full = np.array([np.mean(2 * rf * X), np.mean(2 * rf)])
    expected = g_batch @ g_full / (np.linalg.norm(g_batch) * np.linalg.norm(g_full))
    assert first.grad_cosine == pytest.approx(expected, rel=1e-10)


def test_measuring_noise_does_not_change_the_training():
    config = train_config(dataset="moons", model="mlp", batch_size=8, epochs=2, n_samples=200)
    _, plain = steps_of(config)
    _, noisy = steps_of(config, measure_noise=True)
    assert [s.loss for s in flat(plain)] == [s.loss for s in flat(noisy)]
    every = Trainer(config, measure_noise=True).noise_every
    measured = [s.grad_cosine is not None for s in flat(noisy)]
    assert measured == [k % every == 0 for k in range(len(measured))] and sum(measured) >= 2


def test_batch_size_controls_gradient_noise():
    def mean_cos(bs):
        _, steps = steps_of(train_config(n_samples=1000, batch_size=bs, epochs=2), measure_noise=True)
        return np.mean([s.grad_cosine for s in flat(steps) if s.grad_cosine is not None])

    sgd, mini, full = mean_cos(1), mean_cos(100), mean_cos(None)
    assert full == 1.0
    assert sgd < mini < full
    assert mini > 0.9


def test_path_has_first_and_last_point_and_matches_the_parameters():
    trainer, steps = steps_of(train_config(n_samples=1000, batch_size=1, epochs=2))
    path = [s for s in steps if isinstance(s, PathPoint)]
    assert path[0].update == 0 and path[-1].update == 2000
    assert path[0].params == (trainer.initial_params["w"][0], trainer.initial_params["b"])
    assert path[-1].params == (trainer.final_params["w"][0], trainer.final_params["b"])
    assert len(path) <= 402
    assert [p.update for p in path] == sorted({p.update for p in path})


def test_full_batch_path_follows_gradient_descent_exactly():
    trainer, steps = steps_of(train_config(n_samples=100, batch_size=None, epochs=3, learning_rate=0.1))
    path = [s.params for s in steps if isinstance(s, PathPoint)]
    X, y = trainer.data.X_train[:, 0], trainer.data.y_train[:, 0]
    w, b = path[0]
    for point in path[1:]:
        r = w * X + b - y
        w, b = w - 0.1 * np.mean(2 * r * X), b - 0.1 * np.mean(2 * r)
        assert point == pytest.approx((w, b), rel=1e-12)


def test_diverged_run_ends_its_path_where_it_stopped():
    _, steps = steps_of(train_config(learning_rate=10, batch_size=None, epochs=100))
    path = [s for s in steps if isinstance(s, PathPoint)]
    assert steps[-1].status == "diverged" and path[-1].update == steps[-1].updates


def test_early_stopping_ends_with_status_stopped():
    config = train_config(dataset="moons", n_samples=60, noise=0.4, model="mlp", hidden=(64, 64),
                         optimizer="adam", learning_rate=0.05, batch_size=10, epochs=300,
                         validation_split=0.5, patience=5)
    _, steps = steps_of(config)
    done = steps[-1]
    assert done.status == "stopped" and done.updates < 300 * 3
    assert done.early_stopped  # its own end: the same link stops there again
    epoch_evals = [s for s in steps if isinstance(s, Eval) and s.epoch == int(s.epoch) and s.update > 0]
    vals = [e.val_loss for e in epoch_evals]
    best = int(np.argmin(vals))
    assert len(vals) - 1 - best == 5  # stopped exactly `patience` epochs after the best one


def test_boundary_for_two_feature_classification():
    trainer, steps = steps_of(train_config(dataset="moons", n_samples=200, batch_size=20, epochs=3))
    bounds = [s for s in steps if isinstance(s, Boundary)]
    evals = [s for s in steps if isinstance(s, Eval)]
    assert [b.update for b in bounds] == [e.update for e in evals]
    assert all(len(b.probs) == 40 * 40 and 0 <= min(b.probs) <= max(b.probs) <= 1 for b in bounds)
    assert trainer.boundary_grid["n"] == 40
    assert Trainer(train_config()).boundary_grid is None
