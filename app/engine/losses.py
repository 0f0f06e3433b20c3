"""Losses returning the mean loss over the batch and its gradient w.r.t. the model output."""
from __future__ import annotations

import numpy as np


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error as Keras: mean over samples and outputs of (pred - target)^2.

    d/d pred = 2 (pred - target) / size; no 1/2 factor.
    """
    r = pred - target
    flat = r.ravel()
    loss = float(flat @ flat) / flat.size
    r *= 2.0 / flat.size
    return loss, r


def mse_value(pred: np.ndarray, target: np.ndarray) -> float:
    flat = (pred - target).ravel()
    return float(flat @ flat) / flat.size


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy from logits, mean over the batch.

    loss = mean_i( logsumexp(z_i) - z_i[y_i] );  d/dz = (softmax(z) - onehot(y)) / n.
    Subtracting the row maximum first keeps exp from overflowing.
    """
    n = len(labels)
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.log(s).sum() - z[rows, labels].sum()) / n
    e /= s
    e[rows, labels] -= 1.0
    e /= n
    return loss, e


def cross_entropy_value(logits: np.ndarray, labels: np.ndarray) -> float:
    z = logits - logits.max(axis=1, keepdims=True)
    return float(np.log(np.exp(z).sum(axis=1)).sum() - z[np.arange(len(labels)), labels].sum()) / len(labels)


LOSSES = {"mse": (mse, mse_value), "cross_entropy": (cross_entropy, cross_entropy_value)}
