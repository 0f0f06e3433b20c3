"""The training loop as a generator of steps: no I/O, no sleeping, no clocks.

``Trainer(config).steps()`` yields an ``Update`` for every parameter update (its mini-batch
loss, measured before the update as Keras reports it), an ``Eval`` with the loss on the whole
training and validation sets (a fixed subset of them when they are big) at a bounded cadence and
at every epoch end, and finally one ``Done``.
"""
from __future__ import annotations

import math
from typing import Iterator, NamedTuple

import numpy as np

from .config import Plan, TrainConfig, make_plan
from .datasets import Dataset, make_dataset
from .losses import LOSSES
from .models import build_model
from .optimizers import build_optimizer

EVAL_MAX_EXAMPLES = 2048  # per set; bigger sets are evaluated on a fixed seeded subset
MAX_EVALS = 100  # cadence target per run, besides epoch ends
EVAL_COST_SHARE = 0.25  # evaluation may cost at most ~1/4 of the training work
CALL_OVERHEAD_EXAMPLES = 256  # a numpy pass costs about this many examples' worth of work on its own
EXPLODE_FACTOR = 1e6  # a loss this many times the initial one counts as diverged


class Update(NamedTuple):
    update: int  # 1-based
    loss: float


class Eval(NamedTuple):
    update: int  # 0 = before training
    epoch: float  # updates / iterations_per_epoch
    train_loss: float
    val_loss: float | None


class Done(NamedTuple):
    status: str  # completed | diverged
    updates: int


Step = Update | Eval | Done


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
    def __init__(self, config: TrainConfig, data: Dataset | None = None):
        self.config = config
        self.plan = make_plan(config)
        self.data = data or make_dataset(
            config.dataset, config.n_samples, config.noise, config.seed,
            config.validation_split, config.normalize,
        )
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
        self.status = "pending"
        self.updates = 0

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

        def evaluate(k: int) -> Eval:
            train = self._evaluate(X_tr_eval, y_tr_eval)
            val = self._evaluate(X_val_eval, y_val_eval) if has_val else None
            return Eval(k, k / per_epoch, train, val)

        self.status = "running"
        first = evaluate(0)
        yield first
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
                update(params, grads)
                k += 1
                self.updates = k
                yield Update(k, loss)
                if not loss <= limit:  # also true for NaN
                    yield from self._finish("diverged")
                    return
                if k % every == 0 and k % per_epoch:
                    ev = evaluate(k)
                    if not self._finite(ev):
                        yield from self._finish("diverged")
                        return
                    yield ev
            ev = evaluate(k)
            if not self._finite(ev):
                yield from self._finish("diverged")
                return
            yield ev
        yield from self._finish("completed")

    def _finite(self, ev: Eval) -> bool:
        p = self.model.params
        return bool(np.isfinite(p).all()) and math.isfinite(ev.train_loss) and (
            ev.val_loss is None or math.isfinite(ev.val_loss))

    def _finish(self, status: str) -> Iterator[Done]:
        self.status = status
        yield Done(status, self.updates)


def run_to_end(config: TrainConfig) -> tuple[Trainer, list[Step]]:
    """Run a whole configuration and return the trainer and every step (tests, benchmarks)."""
    trainer = Trainer(config)
    return trainer, list(trainer.steps())
