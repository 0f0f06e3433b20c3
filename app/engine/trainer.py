"""The training loop as a generator of steps: no I/O, no sleeping, no clocks.

``Trainer(config).steps()`` yields an ``Update`` for every parameter update (its mini-batch
loss, measured before the update as Keras reports it), an ``Eval`` with the loss on the whole
training and validation sets (a fixed subset of them when they are big) at a bounded cadence and
at every epoch end, and finally one ``Done``.
"""
from __future__ import annotations

import math
from enum import StrEnum
from typing import Generator, Iterator, NamedTuple

import numpy as np

from .config import Plan, TrainConfig, make_plan
from .datasets import Dataset
from .losses import LOSSES
from .models import build_model
from .optimizers import build_optimizer

EVAL_MAX_EXAMPLES = 2048  # per set; bigger sets are evaluated on a fixed seeded subset
MAX_EVALS = 100  # cadence target per run, besides epoch ends
EVAL_COST_SHARE = 0.25  # evaluation may cost at most ~1/4 of the training work
CALL_OVERHEAD_EXAMPLES = 256  # a numpy pass costs about this many examples' worth of work on its own
EXPLODE_FACTOR = 1e6  # a loss this many times the initial one counts as diverged
MAX_PATH_POINTS = 400  # parameter snapshots per run (first and last always included)
NOISE_BUDGET = 2e7  # example-passes per run spent on full-batch gradients for the noise view
NOISE_MAX_EXAMPLES = 20_000
NOISE_CHEAP_WORK = 50_000  # examples x parameters of a full gradient measured at every update
NOISE_COST_SHARE = 0.5  # otherwise measuring may cost about half the training work
BOUNDARY_GRID = 40  # decision-boundary grid for 2-D classification, per side


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


class Eval(NamedTuple):
    update: int  # 0 = before training
    epoch: float  # updates / iterations_per_epoch
    train_loss: float
    val_loss: float | None


class Done(NamedTuple):
    status: RunStatus  # completed | diverged | stopped (early stopping)
    updates: int


class PathPoint(NamedTuple):
    update: int
    params: tuple[float, ...]  # the flat parameter vector; (w, b) for the linear model


class Boundary(NamedTuple):
    update: int
    probs: list[float]  # P(class 1) on the trainer's boundary grid, row-major (x1 rows, x0 columns)


Step = Update | Eval | Done | PathPoint | Boundary


def eval_interval(plan: Plan, n_eval_examples: int) -> int:
    """Updates between evaluations: at most ~MAX_EVALS per run, and evaluating costs at most
    EVAL_COST_SHARE of the training work, counting a fixed overhead per pass."""
    by_count = math.ceil(plan.total_updates / MAX_EVALS)
    eval_cost = n_eval_examples + CALL_OVERHEAD_EXAMPLES
    update_cost = plan.batch_size + CALL_OVERHEAD_EXAMPLES
    by_cost = math.ceil(eval_cost / (EVAL_COST_SHARE * update_cost))
    return max(1, by_count, by_cost)


def _eval_subset(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    if len(X) <= EVAL_MAX_EXAMPLES:
        return X, y
    idx = np.sort(rng.choice(len(X), EVAL_MAX_EXAMPLES, replace=False))
    return X[idx], y[idx]


class Trainer:
    """Options: ``measure_noise`` computes the cosine between each mini-batch gradient and the
    full-batch gradient (within NOISE_BUDGET, else on a stride of updates); ``track_path``
    yields decimated parameter snapshots for models with at most two parameters; a 2-D
    classification run yields its decision boundary at each evaluation."""

    def __init__(self, config: TrainConfig, data: Dataset | None = None, measure_noise: bool = False,
                 track_path: bool = True):
        self.config = config
        self.plan = make_plan(config)
        self.data = data or config.make_data()
        seeds = np.random.SeedSequence([config.seed, 1]).spawn(3)
        self._init_rng, self._shuffle_rng, self._eval_rng = (np.random.default_rng(s) for s in seeds)
        self.model = build_model(
            config.resolved_model, self.data.X_train.shape[1], self.data.n_outputs, self._init_rng,
            hidden=config.hidden, activation=config.activation, batch_norm=config.batch_norm,
        )
        self.optimizer = build_optimizer(
            config.optimizer, config.learning_rate, config.momentum, config.nesterov, config.decay,
        )
        self.loss_and_grad, self.loss_value = LOSSES[config.resolved_loss]
        self.initial_params = self.model.export_params()
        self.status = RunStatus.PENDING
        self.updates = 0
        self.noise_every = self._noise_stride() if measure_noise else 0
        self.path_every = (math.ceil(self.plan.total_updates / MAX_PATH_POINTS)
                           if track_path and self.model.n_params <= 2 else 0)
        self.boundary_grid = self._boundary_grid()
        self._last_path = -1

    def _noise_stride(self) -> int:
        """Every update when a full gradient is cheap (small data, few parameters); else every
        k-th update, so measuring costs about NOISE_COST_SHARE of training and fits NOISE_BUDGET."""
        plan = self.plan
        if self.config.batch_norm or plan.n_train > NOISE_MAX_EXAMPLES:
            return 0  # batch-norm statistics would move; big sets cost too much
        by_budget = math.ceil(plan.total_updates * plan.n_train / NOISE_BUDGET)
        if plan.n_train * self.model.n_params <= NOISE_CHEAP_WORK:
            return max(1, by_budget)
        by_cost = math.ceil((plan.n_train + CALL_OVERHEAD_EXAMPLES) / (NOISE_COST_SHARE * (plan.batch_size + CALL_OVERHEAD_EXAMPLES)))
        return max(1, by_budget, by_cost)

    def _boundary_grid(self) -> dict | None:
        d = self.data
        if d.task != "classification" or d.X_train.shape[1] != 2:
            return None
        X = np.vstack([d.X_train, d.X_val])
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (hi - lo)
        return {"x0": [float(lo[0] - pad[0]), float(hi[0] + pad[0])],
                "x1": [float(lo[1] - pad[1]), float(hi[1] + pad[1])], "n": BOUNDARY_GRID}

    def boundary(self, k: int) -> Boundary:
        g = self.boundary_grid
        a, b = np.meshgrid(np.linspace(*g["x0"], g["n"]), np.linspace(*g["x1"], g["n"]))
        z = self.model.forward(np.column_stack([a.ravel(), b.ravel()]), training=False)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p1 = p[:, 1] / p.sum(axis=1)
        return Boundary(k, np.round(p1, 4).tolist())

    def path_point(self, k: int) -> PathPoint:
        self._last_path = k
        return PathPoint(k, tuple(float(v) for v in self.model.params))

    def grad_cosine(self, X: np.ndarray, Y: np.ndarray) -> float | None:
        """cos(angle) between the mini-batch gradient now in ``model.grads`` and the full-batch
        gradient at the same parameters; ``model.grads`` is left as it was."""
        grads = self.model.grads
        batch = grads.copy()
        _, dout = self.loss_and_grad(self.model.forward(X, True), Y)
        self.model.backward(dout)
        norm = float(np.linalg.norm(batch) * np.linalg.norm(grads))
        cos = float(batch @ grads) / norm if norm > 0 else None
        grads[...] = batch
        return cos if cos is None or math.isfinite(cos) else None

    @property
    def final_params(self) -> dict:
        return self.model.export_params()

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """MSE on a classification set regresses one-hot vectors."""
        if self.config.resolved_loss == "mse" and self.data.task == "classification":
            return np.eye(self.data.n_outputs)[y]
        return y

    def _evaluate(self, X, y) -> float:
        return self.loss_value(self.model.forward(X, training=False), y)

    def steps(self) -> Iterator[Step]:
        self.status = RunStatus.RUNNING
        status = yield from self._train()
        self.status = status
        if self.path_every and self._last_path != self.updates:
            yield self.path_point(self.updates)
        yield Done(status, self.updates)

    def _train(self) -> Generator[Step, None, RunStatus]:
        plan, cfg, model, opt = self.plan, self.config, self.model, self.optimizer
        X, Y = self.data.X_train, self._targets(self.data.y_train)
        X_tr_eval, y_tr_eval = _eval_subset(X, Y, self._eval_rng)
        has_val = self.data.n_val > 0
        if has_val:
            X_val_eval, y_val_eval = _eval_subset(self.data.X_val, self._targets(self.data.y_val), self._eval_rng)
        n_eval = len(X_tr_eval) + (len(X_val_eval) if has_val else 0)
        every = eval_interval(plan, n_eval)
        per_epoch, bs, n = plan.iterations_per_epoch, plan.batch_size, plan.n_train
        forward, backward, update = model.forward, model.backward, opt.update
        loss_and_grad, params, grads = self.loss_and_grad, model.params, model.grads

        def checkpoint(k: int) -> Generator[Step, None, Eval | None]:
            """Evaluate (and draw the boundary) after update k; None when anything is not finite."""
            train = self._evaluate(X_tr_eval, y_tr_eval)
            val = self._evaluate(X_val_eval, y_val_eval) if has_val else None
            ev = Eval(k, k / per_epoch, train, val)
            if not (np.isfinite(params).all() and math.isfinite(train) and (val is None or math.isfinite(val))):
                return None
            yield ev
            if self.boundary_grid:
                yield self.boundary(k)
            return ev

        noise_every, path_every = self.noise_every, self.path_every
        full_batch = bs >= n
        patience, best_val, waited = cfg.patience, math.inf, 0
        first = yield from checkpoint(0)
        if path_every:
            yield self.path_point(0)
        if first is None:
            return RunStatus.DIVERGED
        limit = EXPLODE_FACTOR * (abs(first.train_loss) + 1.0)
        k = 0
        for _ in range(plan.epochs):
            if cfg.shuffle:
                order = self._shuffle_rng.permutation(n)
                Xs, Ys = X[order], Y[order]
            else:
                Xs, Ys = X, Y
            for start in range(0, n, bs):
                out = forward(Xs[start:start + bs], True)
                loss, dout = loss_and_grad(out, Ys[start:start + bs])
                backward(dout)
                cos = None
                if noise_every and k % noise_every == 0:
                    cos = 1.0 if full_batch else self.grad_cosine(X, Y)
                update(params, grads)
                k += 1
                self.updates = k
                yield Update(k, loss, cos)
                if path_every and k % path_every == 0:
                    yield self.path_point(k)
                if not loss <= limit:  # also true for NaN
                    return RunStatus.DIVERGED
                if k % every == 0 and k % per_epoch and (yield from checkpoint(k)) is None:
                    return RunStatus.DIVERGED
            ev = yield from checkpoint(k)
            if ev is None:
                return RunStatus.DIVERGED
            if patience and has_val:  # Keras EarlyStopping(monitor="val_loss", patience=...)
                if ev.val_loss < best_val:
                    best_val, waited = ev.val_loss, 0
                else:
                    waited += 1
                    if waited >= patience:
                        return RunStatus.STOPPED
        return RunStatus.COMPLETED


def run_to_end(config: TrainConfig) -> tuple[Trainer, list[Step]]:
    """Run a whole configuration and return the trainer and every step (tests, benchmarks)."""
    trainer = Trainer(config)
    return trainer, list(trainer.steps())
