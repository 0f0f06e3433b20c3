"""Evaluations: whole sets or a fixed subset of a big one, and the gradient of the same pass."""
import numpy as np

from app.engine import Trainer
from app.engine.cadence import EVAL_MAX_EXAMPLES
from app.engine.evaluation import eval_subset
from tests.support.configs import train_config


def test_small_sets_are_evaluated_whole_and_big_ones_on_a_sorted_seeded_subset():
    X, Y = np.arange(10.0)[:, None], np.arange(10.0)
    assert eval_subset(X, Y, np.random.default_rng(0))[0] is X
    big = np.arange(3000.0)
    a, b = eval_subset(big[:, None], big, np.random.default_rng(1)), eval_subset(big[:, None], big, np.random.default_rng(1))
    assert len(a[1]) == EVAL_MAX_EXAMPLES and np.all(np.diff(a[1]) > 0) and np.array_equal(a[1], b[1])


def test_the_loss_with_the_gradient_is_the_loss_without_it_bit_for_bit():
    trainer = Trainer(train_config(dataset="moons", model="mlp", hidden="8", n_samples=300, validation_split=0.2))
    plain = trainer.evaluator.evaluate()
    train, val, gradient = trainer.evaluator.evaluate(with_gradient=True)
    assert plain[2] is None and (train, val) == plain[:2] and val is not None
    np.testing.assert_array_equal(gradient, trainer.context.full_gradient())


def test_no_validation_set_no_validation_loss():
    assert Trainer(train_config()).evaluator.evaluate()[1] is None
