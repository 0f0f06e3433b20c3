"""The side-work cadence: every how many updates a run evaluates, draws its decision boundary,
measures gradient noise and records its path, so side work costs about ``cost.SIDE_SHARE`` of
training each (``app/engine/cost.py``), with floors that keep every view readable. The same rules
predict a run's CPU-seconds before it starts."""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import cost
from .boundary import BOUNDARY_GRID
from .compiled import AVAILABLE as COMPILED  # the app's path: side work is spaced for it on both paths
from .config import Plan, TrainConfig, make_plan
from .datasets import DATASETS

EVAL_MAX_EXAMPLES = 2048  # per set; bigger sets are evaluated on a fixed seeded subset
MAX_EVALS = 100  # cadence target per run, besides epoch ends
MAX_PATH_POINTS = 400  # parameter snapshots per run (first and last always included)
MAX_BOUNDARIES = 60  # decision boundaries per run (the newest is what the view shows; the last always)
MIN_BOUNDARIES = 5  # ... and at least this many, even past the cost share (only short runs need the floor,
# and a stream shows the newest boundary once per tick: a run of a few ticks shows a few of them)
NOISE_MAX_EXAMPLES = 20_000  # larger training sets: no gradient-noise view
MIN_NOISE_POINTS = 10  # a noise chart needs this many measurements (2 an epoch for 5 epochs), even past the cost share


def eval_examples(plan: Plan) -> int:
    """Examples one evaluation passes (training and validation sets, each at most a subset)."""
    return min(plan.n_train, EVAL_MAX_EXAMPLES) + min(plan.n_val, EVAL_MAX_EXAMPLES)


def eval_interval(plan: Plan, n_params: int, compiled: bool) -> int:
    """Updates between evaluations: at most ~MAX_EVALS per run, and evaluating costs at most
    ``cost.SIDE_SHARE`` of training (epoch ends are always evaluated)."""
    by_count = math.ceil(plan.total_updates / MAX_EVALS)
    update = cost.UPDATE[cost.path(compiled)](plan.batch_size, n_params)
    return max(by_count, cost.stride(cost.FORWARD(eval_examples(plan), n_params), update))


def boundary_interval(plan: Plan, n_params: int, compiled: bool, points: int) -> int:
    """Updates between decision boundaries (drawn at evaluations): at most MAX_BOUNDARIES, about
    ``cost.SIDE_SHARE`` of training, and at least MIN_BOUNDARIES a run."""
    update = cost.UPDATE[cost.path(compiled)](plan.batch_size, n_params)
    by_cost = cost.stride(cost.FORWARD(points, n_params), update)
    return max(math.ceil(plan.total_updates / MAX_BOUNDARIES), min(by_cost, math.ceil(plan.total_updates / MIN_BOUNDARIES)))


def noise_stride(config: TrainConfig, plan: Plan, n_params: int, compiled: bool) -> int:
    """Every how many updates the full-batch gradient is measured (0: never): free for a full
    batch (the cosine is 1), else as often as costs ``cost.SIDE_SHARE`` of training, but at least
    MIN_NOISE_POINTS times a run (small-batch runs: a measurement costs hundreds of updates)."""
    if config.batch_norm or plan.n_train > NOISE_MAX_EXAMPLES:
        return 0  # batch-norm statistics would move; big sets cost too much
    if plan.batch_size >= plan.n_train:
        return 1
    update = cost.UPDATE[cost.path(compiled)]
    by_cost = cost.stride(cost.full_gradient(plan.n_train, n_params), update(plan.batch_size, n_params))
    return max(1, min(by_cost, plan.total_updates // MIN_NOISE_POINTS))


@dataclass(frozen=True)
class Cadence:
    """Every how many updates each piece of side work runs (0: never); epoch ends are always
    evaluated, and boundaries are drawn at evaluations."""

    total_updates: int
    eval_every: int
    boundary_every: int
    noise_every: int
    path_every: int
    # an evaluation on the whole training set (no subset, no batch norm: its pass is a training
    # pass bit for bit) hands its full-batch gradient to a noise measurement right after it
    share_gradient: bool

    @classmethod
    def of(cls, config: TrainConfig, plan: Plan, n_params: int, measure_noise: bool = False,
           track_path: bool = True, boundary_points: int = 0, compiled: bool = COMPILED) -> Cadence:
        noise_every = noise_stride(config, plan, n_params, compiled) if measure_noise else 0
        return cls(
            total_updates=plan.total_updates,
            eval_every=eval_interval(plan, n_params, compiled),
            boundary_every=boundary_interval(plan, n_params, compiled, boundary_points) if boundary_points else 0,
            noise_every=noise_every,
            path_every=math.ceil(plan.total_updates / MAX_PATH_POINTS) if track_path and n_params <= 2 else 0,
            share_gradient=bool(noise_every) and plan.batch_size < plan.n_train <= EVAL_MAX_EXAMPLES,
        )

    def gradient_after(self, k: int) -> bool:
        """Whether the evaluation after update k also gives the next update's full-batch gradient."""
        return self.share_gradient and k % self.noise_every == 0 and k < self.total_updates


def predict_seconds(config: TrainConfig, compiled: bool | None = None) -> float:
    """CPU-seconds this run will take, by the same rules the trainer follows."""
    compiled = COMPILED if compiled is None else compiled
    plan, n_params = make_plan(config), config.n_params
    grid = BOUNDARY_GRID ** 2 if config.task == "classification" and DATASETS[config.dataset].n_features == 2 else 0
    c = Cadence.of(config, plan, n_params, measure_noise=True, boundary_points=grid, compiled=compiled)
    evals = plan.total_updates // c.eval_every + plan.epochs + 1
    boundaries = plan.total_updates // c.boundary_every + 2 if grid else 0
    segments = evals + plan.total_updates // 2000  # path snapshots are traced inside segments
    return cost.predict_seconds(plan.total_updates, plan.batch_size, n_params, plan.n_train, compiled, evals,
                                eval_examples(plan), c.noise_every, grid, segments, boundaries)
