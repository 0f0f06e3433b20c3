"""The training loop as a generator of steps: no I/O, no sleeping, no clocks.

``Trainer(config).steps()`` yields ``Updates`` (each update's mini-batch loss, measured before
the update as Keras reports it), an ``Eval`` with the loss on the whole training and validation
sets (a fixed subset of them when they are big) at the cadence of ``cadence.Cadence`` and at
every epoch end, path points and decision boundaries, and finally one ``Done``. The updates
themselves run in a step engine: ``compiled.CompiledSteps`` or the numpy ``reference``.
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Generator, Iterator

import numpy as np

from .boundary import BoundaryPainter, boundary_grid
from .cadence import Cadence
from .compiled import AVAILABLE as COMPILED  # the compiled path where numba is; numpy is the reference
from .compiled import CompiledSteps
from .config import TrainConfig, make_plan
from .context import TrainingContext
from .datasets import Dataset
from .evaluation import Evaluator
from .models import build_model
from .optimizers import build_optimizer
from .reference import NumpySteps
from .steps import Boundary, Done, Eval, PathPoint, RunStatus, Step, Updates

EXPLODE_FACTOR = 1e6  # a loss this many times the initial one counts as diverged


class EarlyStopping:
    """Keras ``EarlyStopping(monitor="val_loss", patience=...)``: stop after ``patience`` epochs
    without a lower validation loss (never when patience is 0 or there is no validation set)."""

    def __init__(self, patience: int):
        self.patience, self.best, self.waited = patience, math.inf, 0

    def should_stop(self, val_loss: float | None) -> bool:
        if not self.patience or val_loss is None:
            return False
        if val_loss < self.best:
            self.best, self.waited = val_loss, 0
            return False
        self.waited += 1
        return self.waited >= self.patience


class Trainer:
    """Options: ``measure_noise`` computes the cosine between mini-batch gradients and the
    full-batch gradient at the cadence's stride; ``track_path`` yields decimated parameter
    snapshots for models with at most two parameters; a 2-D classification run yields its
    decision boundary at evaluations. ``cadence`` replaces the one these options give."""

    def __init__(self, config: TrainConfig, data: Dataset | None = None, measure_noise: bool = False,
                 track_path: bool = True, compiled: bool | None = None, chunk: int = 1 << 30,
                 cadence: Cadence | None = None):
        self.config, self.plan = config, make_plan(config)
        self.data = data or config.make_data()
        seeds = np.random.SeedSequence([config.seed, 1]).spawn(3)
        init_rng, self._shuffle_rng, eval_rng = (np.random.default_rng(s) for s in seeds)
        self.model = build_model(
            config.resolved_model, self.data.X_train.shape[1], self.data.n_outputs, init_rng,
            hidden=config.hidden, activation=config.activation, batch_norm=config.batch_norm,
        )
        self.optimizer = build_optimizer(
            config.optimizer, config.learning_rate, config.momentum, config.nesterov, config.decay,
        )
        self.context = TrainingContext(self.model, self.optimizer, config.resolved_loss, self.data.X_train,
                                       self._targets(self.data.y_train), self.plan.batch_size)
        self.evaluator = Evaluator(self.context, self.data.X_val, self._targets(self.data.y_val), eval_rng)
        self.initial_params = self.model.export_params()
        self.status, self.updates = RunStatus.PENDING, 0
        self.compiled = COMPILED if compiled is None else compiled
        self.boundary_grid = boundary_grid(self.data)
        self.painter = BoundaryPainter(self.boundary_grid) if self.boundary_grid else None
        # side work follows the app's path (compiled where numba is), so both paths give the same steps
        self.cadence = cadence or Cadence.of(config, self.plan, self.model.n_params, measure_noise, track_path,
                                             self.painter.n_points if self.painter else 0)
        self.noise_every = self.cadence.noise_every
        self._last_path = self._last_boundary = -1
        self.chunk = chunk  # at most this many updates per ``Updates`` step
        self.early_stopped = False
        self.stop = np.zeros(1, np.uint8)  # set stop[0] (any thread): the run ends within one update

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """MSE on a classification set regresses one-hot vectors."""
        if self.config.resolved_loss == "mse" and self.data.task == "classification":
            return np.eye(self.data.n_outputs)[y]
        return y

    @cached_property
    def engine(self) -> CompiledSteps | NumpySteps:
        """Runs the updates: compiled segments, or the numpy reference."""
        if self.compiled:
            return CompiledSteps(self.context)
        return NumpySteps(self.context)

    @property
    def final_params(self) -> dict:
        return self.model.export_params()

    def epoch_order(self) -> np.ndarray | None:
        """The next epoch's order of examples (None: unshuffled)."""
        return self._shuffle_rng.permutation(self.plan.n_train) if self.config.shuffle else None

    def boundary(self, k: int) -> Boundary:
        self._last_boundary = k
        return Boundary(k, self.painter.probs(self.model))

    def path_point(self, k: int, params: np.ndarray | None = None) -> PathPoint:
        """The parameters after update k (now, unless ``params`` holds them)."""
        self._last_path = k
        return PathPoint(k, tuple((self.model.params if params is None else params).tolist()))

    def steps(self) -> Iterator[Step]:
        self.status = RunStatus.RUNNING
        status = yield from self._train()
        self.status = status
        if self.painter and self._last_boundary != self.updates and status != RunStatus.DIVERGED:
            yield self.boundary(self.updates)
        if self.cadence.path_every and self._last_path != self.updates:
            yield self.path_point(self.updates)
        yield Done(status, self.updates, self.early_stopped)

    def _train(self) -> Generator[Step, None, RunStatus]:
        """A checkpoint before training, then epoch after epoch: its updates, its end's checkpoint."""
        first, gradient = yield from self._checkpoint(0)
        if self.cadence.path_every:
            yield self.path_point(0)
        if first is None:
            return RunStatus.DIVERGED
        limit = EXPLODE_FACTOR * (abs(first.train_loss) + 1.0)
        stopping = EarlyStopping(self.config.patience)
        for _ in range(self.plan.epochs):
            self.engine.epoch(self.epoch_order())
            status, gradient = yield from self._epoch(limit, gradient)
            if status is not None:
                return status
            ev, gradient = yield from self._checkpoint(self.updates)
            if ev is None:
                return RunStatus.DIVERGED
            if stopping.should_stop(ev.val_loss):
                self.early_stopped = True
                return RunStatus.STOPPED
        return RunStatus.COMPLETED

    def _epoch(self, limit: float, gradient: np.ndarray | None
               ) -> Generator[Step, None, tuple[RunStatus | None, np.ndarray | None]]:
        """One epoch's updates, in stretches up to the next evaluation, epoch end or chunk end:
        (the status if the run ended inside it, else None; the last evaluation's gradient)."""
        per_epoch, every = self.plan.iterations_per_epoch, self.cadence.eval_every
        done = 0
        while done < per_epoch:
            k = self.updates
            stop_at = min(k + per_epoch - done, k + self.chunk, _next_multiple(k, every))
            losses = yield from self._stretch(done, stop_at - k, limit, gradient)
            done, k, gradient = done + len(losses), self.updates, None
            if self.stop[0]:
                return RunStatus.STOPPED, None
            if len(losses) and not losses[-1] <= limit:  # exploded, or NaN
                return RunStatus.DIVERGED, None
            if k % every == 0 and k % per_epoch:
                ev, gradient = yield from self._checkpoint(k)
                if ev is None:
                    return RunStatus.DIVERGED, None
        return None, gradient

    def _stretch(self, first_batch: int, n: int, limit: float, gradient: np.ndarray | None
                 ) -> Generator[Step, None, np.ndarray]:
        """Up to ``n`` updates in one engine call, and the path points among them."""
        k, path_every = self.updates, self.cadence.path_every
        losses, cosines, trace = self.engine.run(first_batch, n, k, limit, self.cadence.noise_every, self.stop,
                                                 trace=bool(path_every), full=gradient)
        if len(losses):
            yield Updates(k + 1, losses, cosines)
        if path_every:  # snapshots inside the stretch, from the parameters traced at each update
            for m in range(_next_multiple(k, path_every), k + len(losses) + 1, path_every):
                yield self.path_point(m, trace[m - k - 1])
        self.updates = k + len(losses)
        return losses

    def _checkpoint(self, k: int) -> Generator[Step, None, tuple[Eval | None, np.ndarray | None]]:
        """Evaluate (and draw the boundary) after update k: (the Eval, None when anything is not
        finite; the full-batch gradient of the same pass when the next update measures noise)."""
        train, val, gradient = self.evaluator.evaluate(with_gradient=self.cadence.gradient_after(k))
        ev = Eval(k, k / self.plan.iterations_per_epoch, train, val)
        if not (np.isfinite(self.model.params).all() and math.isfinite(train) and (val is None or math.isfinite(val))):
            return None, None
        yield ev
        if self.painter and (k == 0 or k - self._last_boundary >= self.cadence.boundary_every):
            yield self.boundary(k)
        return ev, gradient


def _next_multiple(k: int, every: int) -> int:
    """The first multiple of ``every`` after k."""
    return (k // every + 1) * every


def run_to_end(config: TrainConfig) -> tuple[Trainer, list[Step]]:
    """Run a whole configuration and return the trainer and every step (tests, benchmarks)."""
    trainer = Trainer(config)
    return trainer, list(trainer.steps())
