"""The training context step engines work on: the full-batch gradient, and the cosine."""
import math

import numpy as np

from app.engine import Trainer
from app.engine.context import cosine
from tests.support.configs import train_config


def test_the_full_gradient_is_the_hand_computed_one_and_keeps_the_mini_batch_gradient():
    trainer = Trainer(train_config(n_samples=40, batch_size=4))
    context = trainer.context
    trainer.model.grads[:] = 7.0
    w, b = trainer.initial_params["w"][0], trainer.initial_params["b"]
    X, y = context.X[:, 0], context.Y[:, 0]
    r = w * X + b - y
    loss, full = context.loss_and_full_gradient()
    np.testing.assert_allclose(full, [np.mean(2 * r * X), np.mean(2 * r)], rtol=1e-12)
    assert math.isclose(loss, np.mean(r ** 2), rel_tol=1e-12)
    assert np.all(trainer.model.grads == 7.0)
    np.testing.assert_array_equal(context.full_gradient(context.X[:10], context.Y[:10]),
                                  context.loss_and_full_gradient(context.X[:10], context.Y[:10])[1])


def test_full_batch_when_the_batch_holds_the_training_set():
    assert Trainer(train_config(batch_size="full")).context.full_batch
    assert not Trainer(train_config(batch_size=10)).context.full_batch


def test_cosine_is_nan_for_a_zero_or_non_finite_vector():
    assert math.isclose(cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 2 ** -0.5, rel_tol=1e-15)
    assert math.isnan(cosine(np.zeros(2), np.ones(2)))
    assert math.isnan(cosine(np.array([np.inf, 1.0]), np.ones(2)))
