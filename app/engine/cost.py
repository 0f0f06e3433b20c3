"""What a run costs in CPU-seconds, predicted before it starts.

Each pass (an update, a full-batch gradient, an evaluation) costs a fixed amount plus an amount
per example x parameter; the constants are per path and were measured on the project's 2-core
machine by ``bench/calibrate.py`` (which prints a fresh fit). The trainer spaces its side work
(gradient noise, evaluations, decision boundaries) with them, the budget check refuses what
would cost too much, and ``/api/plan`` shows each run's ``predicted_seconds``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PassCost:
    fixed: float  # seconds per pass, whatever its size
    per_example: float  # seconds per example (reading it, whatever the model)
    per_example_param: float  # seconds per example x parameter

    def __call__(self, examples: int, n_params: int) -> float:
        return self.fixed + examples * (self.per_example + n_params * self.per_example_param)


# forward + backward + optimizer step of one mini-batch (bench/calibrate.py)
UPDATE = {"compiled": PassCost(0.29e-6, 5.8e-9, 2.15e-9),
          "numpy": PassCost(40e-6, 0.0, 0.4e-9)}  # numpy: 12 us (1 layer) to 75 us (3 layers) fixed
SEGMENT = 15e-6  # each stretch of updates between side passes (a Python round trip)
RUN = 1e-3  # building the model and the first evaluation
# a forward pass in numpy without gradients: evaluations and decision boundaries. Above the plain
# fit for big layers on purpose: the fit has no per-unit term, and tanh costs per unit
FORWARD = PassCost(30e-6, 0.0, 0.9e-9)
# the noise view's full-batch gradient: numpy forward and backward (BLAS)
FULL_GRADIENT = PassCost(17e-6, 0.94e-9, 0.35e-9)
SIDE_SHARE = 0.1  # gradient noise, and evaluations with boundaries, may each cost this share of training


def path(compiled: bool) -> str:
    return "compiled" if compiled else "numpy"


def full_gradient(n_train: int, n_params: int) -> float:
    return FULL_GRADIENT(n_train, n_params)


def stride(side_cost: float, update_cost: float, share: float = SIDE_SHARE) -> int:
    """Every how many updates a side pass may run so it costs at most ``share`` of training."""
    return max(1, math.ceil(side_cost / (share * update_cost)))


def predict_seconds(total_updates: int, batch: int, n_params: int, n_train: int, compiled: bool,
                    evals: int, eval_examples: int, noise_every: int, boundary_points: int = 0,
                    segments: int = 0, boundaries: int = 0) -> float:
    """Training, evaluations, decision boundaries and gradient noise of one run."""
    update = UPDATE[path(compiled)]
    seconds = RUN + segments * SEGMENT + total_updates * update(batch, n_params)
    seconds += evals * FORWARD(eval_examples, n_params) + boundaries * FORWARD(boundary_points, n_params)
    if noise_every and batch < n_train:
        seconds += math.ceil(total_updates / noise_every) * (full_gradient(n_train, n_params) + SEGMENT)
    return seconds
