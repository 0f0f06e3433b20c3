"""What a run yields: its updates, evaluations, path points, decision boundaries and its end,
and ``RunStatus``, the one status word everywhere."""
from __future__ import annotations

import math
from enum import StrEnum
from typing import NamedTuple

import numpy as np


class RunStatus(StrEnum):
    """One run's state, the same word in the stream, the history, the table and the metrics."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    DIVERGED = "diverged"
    STOPPED = "stopped"  # early stopping, or nobody waits for the run any more
    FAILED = "failed"  # an error inside; the stream's `error` event carries the detail

    @property
    def ended(self) -> bool:
        return self not in (RunStatus.PENDING, RunStatus.RUNNING)


class Update(NamedTuple):
    update: int  # 1-based
    loss: float
    grad_cosine: float | None = None  # cos(mini-batch gradient, full-batch gradient), when measured


class Updates(NamedTuple):
    """A run of consecutive updates, as arrays (NaN where a cosine was not measured)."""

    first: int  # 1-based number of the first update
    losses: np.ndarray
    cosines: np.ndarray

    def expand(self) -> list[Update]:
        return [Update(self.first + i, float(loss), None if math.isnan(c) else float(c))
                for i, (loss, c) in enumerate(zip(self.losses, self.cosines))]


class Eval(NamedTuple):
    update: int  # 0 = before training
    epoch: float  # updates / iterations_per_epoch
    train_loss: float
    val_loss: float | None


class Done(NamedTuple):
    status: RunStatus  # completed | diverged | stopped (early stopping)
    updates: int
    early_stopped: bool = False  # stopped by its own early stopping: the link ends so again


class PathPoint(NamedTuple):
    update: int
    params: tuple[float, ...]  # the flat parameter vector; (w, b) for the linear model


class Boundary(NamedTuple):
    update: int
    probs: list[float]  # P(class 1) on the trainer's boundary grid, row-major (x1 rows, x0 columns)


Step = Updates | Eval | Done | PathPoint | Boundary
