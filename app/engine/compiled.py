"""The compiled step engine: whole segments of updates per call through ``kernels.train_segment``,
no Python per update, on the model's own flat parameter vector.

It runs with the GIL released (``nogil``), so streaming does not wait for training, and checks a
stop flag before every update. Without numba the app uses the numpy path (``AVAILABLE``).
"""
from __future__ import annotations

import threading

import numpy as np

from .context import TrainingContext, cosine
from .kernels import AVAILABLE, train_segment

__all__ = ["AVAILABLE", "CompiledSteps", "offset", "scratch", "warm"]

OPTIMIZERS = {"sgd": 0, "adam": 1, "rmsprop": 2, "adagrad": 3}
ACTIVATIONS = {"relu": 0, "tanh": 1, "sigmoid": 2}
LOSSES = {"mse": 0, "cross_entropy": 1}
NO_TRACE = np.empty((0, 0))  # a trace with no rows: parameters are not recorded


def scratch(sizes: np.ndarray, rows: int, n_params: int) -> tuple:
    """Work arrays of ``train_segment`` for batches of up to ``rows`` rows, made once per run."""
    n_layers, widest = len(sizes) - 1, int(max(sizes))
    return (np.zeros((n_layers + 1, rows, widest)), np.zeros((n_layers, rows, widest)),
            np.zeros((n_layers, rows, widest)), np.zeros((n_layers, widest)), np.zeros((rows, widest)),
            np.zeros((rows, widest)), np.zeros(n_params))


def offset(params: np.ndarray, view: np.ndarray) -> int:
    """Where a layer's parameter view starts inside the flat vector ``params``."""
    return (view.ctypes.data - params.ctypes.data) // view.itemsize


def read_only(a: np.ndarray, dtype) -> np.ndarray:
    """A read-only C-contiguous view (a copy only where needed): numba types read-only and writable
    arrays apart, so data always arrive read-only, as cached data sets are, and the one signature
    ``warm`` compiles (at start-up, in the Docker build) is the one every run uses."""
    view = np.ascontiguousarray(a, dtype=dtype).view()
    view.flags.writeable = False
    return view


class Layout:
    """The model as the kernels see it: layer sizes, where each layer's parameters start, and the
    batch-norm running statistics in arrays the layers keep views of (evaluations see them)."""

    def __init__(self, model):
        from .models import BatchNorm, Dense

        dense = [layer for layer in model.layers if isinstance(layer, Dense)]
        self.norms = [layer for layer in model.layers if isinstance(layer, BatchNorm)]
        self.sizes = np.array([dense[0].param_shapes["w"][0]] + [d.param_shapes["w"][1] for d in dense], np.int64)
        self.offs = np.zeros((len(dense), 4), np.int64)
        for l, d in enumerate(dense):
            self.offs[l, :2] = offset(model.params, d.p["w"]), offset(model.params, d.p["b"])
        widest = int(self.sizes.max())
        self.run_mean = np.zeros((max(1, len(self.norms)), widest))
        self.run_var = np.ones((max(1, len(self.norms)), widest))
        for l, norm in enumerate(self.norms):
            self.offs[l, 2:] = offset(model.params, norm.p["gamma"]), offset(model.params, norm.p["beta"])
            n = norm.running_mean.shape[0]
            self.run_mean[l, :n], self.run_var[l, :n] = norm.running_mean, norm.running_var
            norm.running_mean, norm.running_var = self.run_mean[l, :n], self.run_var[l, :n]
        self.activation = next((layer.name for layer in model.layers if hasattr(layer, "name")), "relu")


def hyper_parameters(optimizer, norms: list) -> np.ndarray:
    """``hyper`` of the kernels: the optimizer's settings (Keras defaults where it has none) and
    batch norm's momentum and epsilon."""
    o = optimizer
    bn_m, bn_eps = (norms[0].momentum, norms[0].eps) if norms else (0.99, 1e-3)
    return np.array([o.learning_rate, o.decay, getattr(o, "momentum", 0.0), float(getattr(o, "nesterov", False)),
                     getattr(o, "beta_1", 0.9), getattr(o, "beta_2", 0.999), getattr(o, "epsilon", 1e-7),
                     getattr(o, "rho", 0.9), bn_m, bn_eps])


class CompiledSteps:
    """Runs a run's updates through ``train_segment``; the same interface as ``NumpySteps``."""

    def __init__(self, context: TrainingContext):
        model, o, X, Y = context.model, context.optimizer, context.X, context.Y
        self.context, self.layout = context, Layout(model)
        self.hyper = hyper_parameters(o, self.layout.norms)
        self.opt = OPTIMIZERS[type(o).__name__.lower()]
        self.s1 = np.full(model.n_params, getattr(o, "initial_accumulator_value", 0.0))
        self.s2 = np.zeros(model.n_params)
        mse = context.loss == "mse"
        self.flags = (ACTIVATIONS[self.layout.activation], bool(self.layout.norms), LOSSES[context.loss])
        self.X = read_only(X, np.float64)
        self.Yf = read_only(Y if mse else np.zeros((1, 1)), np.float64).reshape(len(X) if mse else 1, -1)
        self.Yi = read_only(np.zeros(1) if mse else Y, np.int64)
        self.work = scratch(self.layout.sizes, min(context.batch_size, len(X)), model.n_params)
        self.order = np.arange(len(X))

    def epoch(self, order: np.ndarray | None) -> None:
        """Batches come in ``order`` this epoch (None: as stored)."""
        self.order = np.arange(len(self.X)) if order is None else order

    def run(self, first_batch: int, n_steps: int, k: int, limit: float, noise_every: int, stop: np.ndarray,
            trace: bool = False, full: np.ndarray | None = None):
        """As ``NumpySteps.run``: segments between noise measurements; a measured update runs
        alone, after the full-batch gradient at its parameters (``full`` for the first update)."""
        losses, cosines = np.empty(n_steps), np.full(n_steps, np.nan)
        params = np.empty((n_steps, self.context.model.n_params)) if trace else NO_TRACE
        done = 0
        while done < n_steps:
            at = k + done
            measure = bool(noise_every) and at % noise_every == 0
            length = 1 if measure else n_steps - done if not noise_every else min(n_steps - done, noise_every - at % noise_every)
            gradient = None
            if measure and not self.context.full_batch:
                gradient = full if done == 0 and full is not None else self.context.full_gradient()
            ran = self._segment(first_batch + done, losses[done:done + length], params[done:done + length], at, limit, stop)
            if measure and ran:
                cosines[done] = 1.0 if gradient is None else cosine(self.work[-1], gradient)
            done += ran
            if ran < length or not losses[done - 1] <= limit:  # stopped, or the loss exploded
                break
        self.context.optimizer.iterations = k + done
        return losses[:done], cosines[:done], params[:done] if trace else None

    def _segment(self, first_batch: int, losses: np.ndarray, trace: np.ndarray, k: int, limit: float,
                 stop: np.ndarray) -> int:
        (act, bn, loss), lay = self.flags, self.layout
        return train_segment(self.context.model.params, lay.offs, lay.sizes, act, bn, lay.run_mean, lay.run_var,
                             self.hyper, self.opt, self.s1, self.s2, loss, self.X, self.Yf, self.Yi, self.order,
                             self.context.batch_size, first_batch, k, limit, stop, losses, trace, *self.work)


_WARM_LOCK = threading.Lock()
WARMED = threading.Event()  # set once the kernels are loaded in this process


def warm() -> None:
    """Compile (or load from numba's cache) the kernels once per process, so no user waits for it.
    A caller while another thread warms up waits for it to finish; later calls return at once."""
    with _WARM_LOCK:
        if WARMED.is_set():
            return
        if AVAILABLE:
            from .models import build_model
            from .optimizers import build_optimizer

            model = build_model("mlp", 1, 1, np.random.default_rng(0), hidden=(2,), batch_norm=True)
            context = TrainingContext(model, build_optimizer("adam", 0.01), "mse", np.zeros((4, 1)), np.zeros((4, 1)), 2)
            CompiledSteps(context).run(0, 2, 0, np.inf, 0, np.zeros(1, np.uint8))
        WARMED.set()
