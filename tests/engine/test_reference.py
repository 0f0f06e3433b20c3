"""The numpy reference engine: updates as Keras makes them, stopping and noise measurements."""
import math

import numpy as np

from app.engine import Trainer
from app.engine.context import cosine
from app.engine.reference import NumpySteps
from tests.support.configs import train_config


def engine(**keys):
    trainer = Trainer(train_config(shuffle=False, **keys), compiled=False)
    return trainer, NumpySteps(trainer.context)


def test_a_full_batch_update_is_plain_gradient_descent():
    trainer, steps = engine(batch_size="full", learning_rate=0.1)
    before, full = trainer.model.params.copy(), trainer.context.full_gradient()
    losses, cosines, _ = steps.run(0, 1, 0, math.inf, 1, np.zeros(1, np.uint8))
    np.testing.assert_allclose(trainer.model.params, before - 0.1 * full, rtol=1e-13)
    assert len(losses) == 1 and cosines[0] == 1.0  # full batch: the cosine is 1 without measuring


def test_a_handed_gradient_replaces_the_first_measurement_only():
    trainer, steps = engine(batch_size=10, n_samples=100)
    handed = np.array([1.0, 0.0])
    _, cosines, _ = steps.run(0, 1, 0, math.inf, 1, np.zeros(1, np.uint8), full=handed)
    assert cosines[0] == cosine(trainer.model.grads, handed)
    (a, b), (_, d) = engine(batch_size=10, n_samples=100), engine(batch_size=10, n_samples=100)
    full = a.context.full_gradient()  # the true one: handing it changes nothing
    handed_run = b.run(0, 3, 0, math.inf, 1, np.zeros(1, np.uint8), trace=True, full=full)
    plain_run = d.run(0, 3, 0, math.inf, 1, np.zeros(1, np.uint8), trace=True)
    for x, y in zip(handed_run, plain_run):
        np.testing.assert_array_equal(x, y)


def test_a_stop_flag_or_an_exploding_loss_ends_the_stretch():
    _, steps = engine(batch_size=1)
    assert len(steps.run(0, 5, 0, math.inf, 0, np.ones(1, np.uint8))[0]) == 0
    losses, _, _ = steps.run(0, 5, 0, -1.0, 0, np.zeros(1, np.uint8))
    assert len(losses) == 1  # the update whose loss passed the limit is included


def test_cosine_of_the_measured_update_is_the_gradients_cosine():
    trainer, steps = engine(batch_size=4, n_samples=40)
    full = trainer.context.full_gradient()
    _, cosines, _ = steps.run(0, 1, 0, math.inf, 1, np.zeros(1, np.uint8))
    assert cosines[0] == cosine(trainer.model.grads, full)
