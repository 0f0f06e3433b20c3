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

from . import cost
from .config import Plan, TrainConfig, make_plan
from .datasets import DATASETS, Dataset
from .losses import LOSSES
from .models import build_model
from .optimizers import build_optimizer

from .compiled import AVAILABLE as COMPILED  # the compiled path where numba is; numpy is the reference
from .compiled import cosine

EVAL_MAX_EXAMPLES = 2048  # per set; bigger sets are evaluated on a fixed seeded subset
MAX_EVALS = 100  # cadence target per run, besides epoch ends
EXPLODE_FACTOR = 1e6  # a loss this many times the initial one counts as diverged
MAX_PATH_POINTS = 400  # parameter snapshots per run (first and last always included)
MAX_BOUNDARIES = 60  # decision boundaries per run (the newest is what the view shows; the last always)
MIN_BOUNDARIES = 5  # ... and at least this many, even past the cost share (only short runs need the floor,
# and a stream shows the newest boundary once per tick: a run of a few ticks shows a few of them)
NOISE_MAX_EXAMPLES = 20_000  # larger training sets: no gradient-noise view
MIN_NOISE_POINTS = 10  # a noise chart needs this many measurements (2 an epoch for 5 epochs), even past the cost share
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


class PathPoint(NamedTuple):
    update: int
    params: tuple[float, ...]  # the flat parameter vector; (w, b) for the linear model


class Boundary(NamedTuple):
    update: int
    probs: list[float]  # P(class 1) on the trainer's boundary grid, row-major (x1 rows, x0 columns)


Step = Updates | Eval | Done | PathPoint | Boundary


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


def predict_seconds(config: TrainConfig, compiled: bool | None = None) -> float:
    """CPU-seconds this run will take, by the same rules the trainer follows."""
    compiled = COMPILED if compiled is None else compiled
    plan, n_params = make_plan(config), config.n_params
    grid = BOUNDARY_GRID ** 2 if config.task == "classification" and DATASETS[config.dataset].n_features == 2 else 0
    every = eval_interval(plan, n_params, compiled)
    evals = plan.total_updates // every + plan.epochs + 1
    boundaries = plan.total_updates // boundary_interval(plan, n_params, compiled, grid) + 2 if grid else 0
    noise_every = noise_stride(config, plan, n_params, compiled)
    segments = evals + plan.total_updates // 2000  # path snapshots are traced inside segments
    return cost.predict_seconds(plan.total_updates, plan.batch_size, n_params, plan.n_train, compiled, evals,
                                eval_examples(plan), noise_every, grid, segments, boundaries)


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
                 track_path: bool = True, compiled: bool | None = None, chunk: int = 1 << 30):
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
        self.compiled = COMPILED if compiled is None else compiled
        # side passes follow the app's path (compiled where numba is), so both paths give the same steps
        self.noise_every = noise_stride(config, self.plan, self.model.n_params, COMPILED) if measure_noise else 0
        self.path_every = (math.ceil(self.plan.total_updates / MAX_PATH_POINTS)
                           if track_path and self.model.n_params <= 2 else 0)
        self.boundary_grid = self._boundary_grid()
        self._grid_points = None  # the grid's points, made at the first boundary
        self._last_path = self._last_boundary = -1
        self._ready_gradient = None  # (parameters, full-batch gradient) from the last evaluation
        self.chunk = chunk  # at most this many updates per ``Updates`` step
        self.stop = np.zeros(1, np.uint8)  # set stop[0] (any thread): the run ends within one update

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
        self._last_boundary = k
        if self._grid_points is None:
            g = self.boundary_grid
            a, b = np.meshgrid(np.linspace(*g["x0"], g["n"]), np.linspace(*g["x1"], g["n"]))
            self._grid_points = np.column_stack([a.ravel(), b.ravel()])
        z = self.model.forward(self._grid_points, training=False)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p1 = p[:, 1] / p.sum(axis=1)
        return Boundary(k, np.round(p1, 4).tolist())

    def path_point(self, k: int, params: np.ndarray | None = None) -> PathPoint:
        """The parameters after update k (now, unless ``params`` holds them)."""
        self._last_path = k
        return PathPoint(k, tuple((self.model.params if params is None else params).tolist()))

    def full_gradient(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """The full-batch gradient at the current parameters (a copy; ``model.grads`` is kept),
        taken from the evaluation just before when that one computed it at these parameters."""
        ready = self._ready_gradient
        self._ready_gradient = None
        if ready is not None and np.array_equal(ready[0], self.model.params):
            return ready[1]
        return self._loss_and_full_gradient(X, Y)[1]

    def _loss_and_full_gradient(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        grads = self.model.grads
        kept = grads.copy()
        loss, dout = self.loss_and_grad(self.model.forward(X, True), Y)
        self.model.backward(dout)
        full = grads.copy()
        grads[...] = kept
        return loss, full

    def _evaluate_train(self, X: np.ndarray, Y: np.ndarray, k: int) -> float:
        """The training loss after update k. When update k+1 measures gradient noise on this very
        set (no subset, no batch norm: training and evaluation passes agree), the same forward
        pass gives that full-batch gradient too: the loss formula is the same bit for bit."""
        if (self.noise_every and k % self.noise_every == 0 and k < self.plan.total_updates
                and X is self.data.X_train and self.plan.batch_size < self.plan.n_train):
            loss, full = self._loss_and_full_gradient(X, Y)
            self._ready_gradient = (self.model.params.copy(), full)
            return loss
        return self._evaluate(X, Y)

    def grad_cosine(self, X: np.ndarray, Y: np.ndarray) -> float | None:
        """cos(angle) between the mini-batch gradient now in ``model.grads`` and the full-batch
        gradient at the same parameters."""
        cos = cosine(self.model.grads, self.full_gradient(X, Y))
        return None if math.isnan(cos) else cos

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
        if self.boundary_grid and self._last_boundary != self.updates and status != RunStatus.DIVERGED:
            yield self.boundary(self.updates)
        if self.path_every and self._last_path != self.updates:
            yield self.path_point(self.updates)
        yield Done(status, self.updates)

    def _train(self) -> Generator[Step, None, RunStatus]:
        plan, cfg, params = self.plan, self.config, self.model.params
        X, Y = self.data.X_train, self._targets(self.data.y_train)
        X_tr_eval, y_tr_eval = _eval_subset(X, Y, self._eval_rng)
        has_val = self.data.n_val > 0
        if has_val:
            X_val_eval, y_val_eval = _eval_subset(self.data.X_val, self._targets(self.data.y_val), self._eval_rng)
        grid = self.boundary_grid["n"] ** 2 if self.boundary_grid else 0
        every = eval_interval(plan, self.model.n_params, COMPILED)
        boundary_every = boundary_interval(plan, self.model.n_params, COMPILED, grid) if grid else 0
        per_epoch = plan.iterations_per_epoch

        def checkpoint(k: int) -> Generator[Step, None, Eval | None]:
            """Evaluate (and draw the boundary) after update k; None when anything is not finite."""
            val = self._evaluate(X_val_eval, y_val_eval) if has_val else None
            train = self._evaluate_train(X_tr_eval, y_tr_eval, k)
            ev = Eval(k, k / per_epoch, train, val)
            if not (np.isfinite(params).all() and math.isfinite(train) and (val is None or math.isfinite(val))):
                return None
            yield ev
            if self.boundary_grid and (k == 0 or k - self._last_boundary >= boundary_every):
                yield self.boundary(k)
            return ev

        steps = self._steps_engine(X, Y)
        path_every, chunk = self.path_every, self.chunk
        patience, best_val, waited = cfg.patience, math.inf, 0
        first = yield from checkpoint(0)
        if path_every:
            yield self.path_point(0)
        if first is None:
            return RunStatus.DIVERGED
        limit = EXPLODE_FACTOR * (abs(first.train_loss) + 1.0)
        k = 0
        for _ in range(plan.epochs):
            steps.epoch(self._shuffle_rng.permutation(plan.n_train) if cfg.shuffle else None)
            done_in_epoch = 0
            while done_in_epoch < per_epoch:
                # run up to the next evaluation, path point, epoch end or chunk end
                stop_at = min(k + per_epoch - done_in_epoch, k + chunk, _next_multiple(k, every))
                losses, cosines, trace = steps.run(done_in_epoch, stop_at - k, k, limit, self.noise_every,
                                                   self.stop, trace=bool(path_every))
                if len(losses):
                    yield Updates(k + 1, losses, cosines)
                if path_every:  # snapshots inside the stretch, from the parameters traced at each update
                    for m in range(_next_multiple(k, path_every), k + len(losses) + 1, path_every):
                        yield self.path_point(m, trace[m - k - 1])
                k += len(losses)
                done_in_epoch += len(losses)
                self.updates = k
                if self.stop[0]:
                    return RunStatus.STOPPED
                if len(losses) and not losses[-1] <= limit:  # exploded, or NaN
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

    def _steps_engine(self, X: np.ndarray, Y: np.ndarray):
        if self.compiled:
            from .compiled import CompiledSteps
            return CompiledSteps(self.model, self.optimizer, self.config.resolved_loss, X, Y,
                                 self.plan.batch_size, lambda: self.full_gradient(X, Y))
        return NumpySteps(self, X, Y)


def _next_multiple(k: int, every: int) -> int:
    """The first multiple of ``every`` after k."""
    return (k // every + 1) * every


class NumpySteps:
    """The readable reference path: one numpy forward, backward and optimizer step per update."""

    def __init__(self, trainer: Trainer, X: np.ndarray, Y: np.ndarray):
        self.trainer, self.X, self.Y = trainer, X, Y
        self.Xs, self.Ys = X, Y

    def epoch(self, order: np.ndarray | None) -> None:
        self.Xs, self.Ys = (self.X, self.Y) if order is None else (self.X[order], self.Y[order])

    def run(self, first_batch: int, n_steps: int, k: int, limit: float, noise_every: int, stop: np.ndarray,
            trace: bool = False):
        """``n_steps`` updates from batch ``first_batch``; fewer when a loss is not <= limit (that
        update included) or ``stop[0]`` is set. As ``CompiledSteps.run``: losses, cosines and,
        with ``trace``, the parameters after each update."""
        tr = self.trainer
        model, bs = tr.model, tr.plan.batch_size
        params, grads = model.params, model.grads
        full_batch = bs >= tr.plan.n_train
        losses, cosines = np.empty(n_steps), np.full(n_steps, math.nan)
        traced = np.empty((n_steps, params.size)) if trace else None
        for j in range(n_steps):
            if stop[0]:
                return losses[:j], cosines[:j], traced[:j] if trace else None
            start = (first_batch + j) * bs
            out = model.forward(self.Xs[start:start + bs], True)
            loss, dout = tr.loss_and_grad(out, self.Ys[start:start + bs])
            model.backward(dout)
            if noise_every and (k + j) % noise_every == 0:
                cos = 1.0 if full_batch else tr.grad_cosine(self.X, self.Y)
                cosines[j] = math.nan if cos is None else cos
            tr.optimizer.update(params, grads)
            losses[j] = loss
            if trace:
                traced[j] = params
            if not loss <= limit:  # also true for NaN
                return losses[:j + 1], cosines[:j + 1], traced[:j + 1] if trace else None
        return losses, cosines, traced


def run_to_end(config: TrainConfig) -> tuple[Trainer, list[Step]]:
    """Run a whole configuration and return the trainer and every step (tests, benchmarks)."""
    trainer = Trainer(config)
    return trainer, list(trainer.steps())
