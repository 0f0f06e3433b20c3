"""The readable reference step engine: one numpy forward, backward and optimizer step per update
(``compiled.CompiledSteps`` runs the same arithmetic as whole compiled segments)."""
from __future__ import annotations

import math

import numpy as np

from .context import TrainingContext, cosine


class NumpySteps:
    def __init__(self, context: TrainingContext):
        self.context = context
        self.Xs, self.Ys = context.X, context.Y

    def epoch(self, order: np.ndarray | None) -> None:
        """Batches come in ``order`` this epoch (None: as stored)."""
        X, Y = self.context.X, self.context.Y
        self.Xs, self.Ys = (X, Y) if order is None else (X[order], Y[order])

    def run(self, first_batch: int, n_steps: int, k: int, limit: float, noise_every: int, stop: np.ndarray,
            trace: bool = False, full: np.ndarray | None = None):
        """``n_steps`` updates from batch ``first_batch``; fewer when a loss is not <= limit (that
        update included) or ``stop[0]`` is set. Returns their losses; at every ``noise_every``-th
        update the cosine between its mini-batch gradient and the full-batch gradient at the same
        parameters (``full`` for the first update, when given), NaN elsewhere; with ``trace`` the
        parameters after each update (else None)."""
        c = self.context
        model, bs = c.model, c.batch_size
        params, grads = model.params, model.grads
        losses, cosines = np.empty(n_steps), np.full(n_steps, math.nan)
        traced = np.empty((n_steps, params.size)) if trace else None
        for j in range(n_steps):
            if stop[0]:
                return losses[:j], cosines[:j], traced[:j] if trace else None
            start = (first_batch + j) * bs
            loss, dout = c.loss_and_grad(model.forward(self.Xs[start:start + bs], True), self.Ys[start:start + bs])
            model.backward(dout)
            if noise_every and (k + j) % noise_every == 0:
                at_params = full if j == 0 and full is not None else None
                cosines[j] = 1.0 if c.full_batch else cosine(grads, c.full_gradient() if at_params is None else at_params)
            c.optimizer.update(params, grads)
            losses[j] = loss
            if trace:
                traced[j] = params
            if not loss <= limit:  # also true for NaN
                return losses[:j + 1], cosines[:j + 1], traced[:j + 1] if trace else None
        return losses, cosines, traced
