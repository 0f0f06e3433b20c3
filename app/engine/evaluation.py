"""Losses on the whole training and validation sets after an update (a fixed seeded subset of
a set bigger than ``EVAL_MAX_EXAMPLES``)."""
from __future__ import annotations

import numpy as np

from .cadence import EVAL_MAX_EXAMPLES
from .context import TrainingContext


def eval_subset(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if len(X) <= EVAL_MAX_EXAMPLES:
        return X, Y
    idx = np.sort(rng.choice(len(X), EVAL_MAX_EXAMPLES, replace=False))
    return X[idx], Y[idx]


class Evaluator:
    def __init__(self, context: TrainingContext, X_val: np.ndarray, Y_val: np.ndarray, rng: np.random.Generator):
        self.context = context
        self.train = eval_subset(context.X, context.Y, rng)
        self.val = eval_subset(X_val, Y_val, rng) if len(X_val) else None

    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The loss of the model in inference mode."""
        return self.context.loss_value(self.context.model.forward(X, training=False), Y)

    def evaluate(self, with_gradient: bool = False) -> tuple[float, float | None, np.ndarray | None]:
        """(training loss, validation loss or None, full-batch gradient or None). ``with_gradient``
        (only where the training set is evaluated whole and the pass is a training pass bit for
        bit, see ``Cadence.share_gradient``): one forward pass gives the loss and the gradient."""
        val = self.loss(*self.val) if self.val else None
        if with_gradient:
            train, gradient = self.context.loss_and_full_gradient()
            return train, val, gradient
        return self.loss(*self.train), val, None
