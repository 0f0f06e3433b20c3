"""What a step engine works on, handed to it explicitly: the model, its optimizer and loss, the
training set and the batch size."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .losses import LOSSES


@dataclass
class TrainingContext:
    model: object  # models.Sequential: flat ``params`` and ``grads``
    optimizer: object  # optimizers.Optimizer
    loss: str  # the resolved loss name, a key of ``losses.LOSSES``
    X: np.ndarray  # training inputs
    Y: np.ndarray  # training targets (one-hot vectors for MSE on classes)
    batch_size: int
    loss_and_grad: object = field(init=False)
    loss_value: object = field(init=False)

    def __post_init__(self):
        self.loss_and_grad, self.loss_value = LOSSES[self.loss]

    @property
    def full_batch(self) -> bool:
        return self.batch_size >= len(self.X)

    def loss_and_full_gradient(self, X: np.ndarray | None = None, Y: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The loss and gradient over the training set (or ``X``, ``Y``) at the current parameters:
        a copy; ``model.grads`` keeps the mini-batch gradient it held."""
        X, Y = (self.X, self.Y) if X is None else (X, Y)
        grads = self.model.grads
        kept = grads.copy()
        loss, dout = self.loss_and_grad(self.model.forward(X, True), Y)
        self.model.backward(dout)
        full = grads.copy()
        grads[...] = kept
        return loss, full

    def full_gradient(self, X: np.ndarray | None = None, Y: np.ndarray | None = None) -> np.ndarray:
        return self.loss_and_full_gradient(X, Y)[1]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(angle between a and b); NaN when either is zero or anything is not finite."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    c = float(a @ b) / norm if norm > 0 else math.nan
    return c if math.isfinite(c) else math.nan
