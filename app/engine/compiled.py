"""The training loop compiled with numba: whole segments of updates per call, no Python per update.

The same arithmetic as the numpy reference (``models``, ``losses``, ``optimizers``), in the same
order of operations, on the same flat parameter vector, so both paths agree to ~1e-12 (tested).
It runs with the GIL released (``nogil``), so streaming does not wait for training, and checks a
stop flag before every update. Without numba the app uses the numpy path (``AVAILABLE``).

Model: dense layers ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``; each hidden layer is
Dense [-> BatchNorm] -> activation (0 relu, 1 tanh, 2 sigmoid). Loss 0: MSE (Keras, no 1/2),
1: softmax cross-entropy. Optimizer 0 SGD, 1 Adam, 2 RMSprop, 3 Adagrad; ``hyper`` holds
lr, decay, momentum, nesterov, beta_1, beta_2, epsilon, rho, batch-norm momentum, batch-norm eps.
"""
from __future__ import annotations

import math
import threading

import numpy as np

from .optimizers import TINY

try:
    from numba import njit
    AVAILABLE = True
except ImportError:  # pragma: no cover - numba is a dependency; the numpy path still works without it
    AVAILABLE = False

    def njit(*args, **kwargs):
        return lambda fn: fn

OPTIMIZERS = {"sgd": 0, "adam": 1, "rmsprop": 2, "adagrad": 3}
ACTIVATIONS = {"relu": 0, "tanh": 1, "sigmoid": 2}
LOSSES = {"mse": 0, "cross_entropy": 1}
JIT = {"cache": True, "nogil": True}


@njit(**JIT)
def _flushed(x):
    """``optimizers.flush`` for one value: 0 below the smallest normal float64 (NaN stays)."""
    return 0.0 if abs(x) < TINY else x


@njit(**JIT)
def _forward(params, offs, sizes, act, bn, run_mean, run_var, hyper, X, rows, A, Z, XH, INV, training):
    """A[l] holds layer l's input, Z[l] its pre-activation (after batch norm where there is one)."""
    B = rows.shape[0]
    n_layers = sizes.shape[0] - 1
    for r in range(B):
        for i in range(sizes[0]):
            A[0, r, i] = X[rows[r], i]
    for l in range(n_layers):
        n_in, n_out = sizes[l], sizes[l + 1]
        w, b = offs[l, 0], offs[l, 1]
        for r in range(B):  # x @ w, summed over i in order as a dot product would, then + b
            for j in range(n_out):
                Z[l, r, j] = 0.0
            for i in range(n_in):
                a = A[l, r, i]
                row = w + i * n_out
                for j in range(n_out):
                    Z[l, r, j] += a * params[row + j]
            for j in range(n_out):
                Z[l, r, j] += params[b + j]
        if l == n_layers - 1:
            break
        if bn:
            g, be = offs[l, 2], offs[l, 3]
            m, eps = hyper[8], hyper[9]
            for j in range(n_out):
                if training:
                    s = 0.0
                    for r in range(B):
                        s += Z[l, r, j]
                    mean = s / B
                    s = 0.0
                    for r in range(B):
                        d = Z[l, r, j] - mean
                        s += d * d
                    var = s / B
                    run_mean[l, j] = run_mean[l, j] * m + (1 - m) * mean
                    run_var[l, j] = run_var[l, j] * m + (1 - m) * var
                else:
                    mean, var = run_mean[l, j], run_var[l, j]
                inv = 1.0 / math.sqrt(var + eps)
                INV[l, j] = inv
                for r in range(B):
                    xh = (Z[l, r, j] - mean) * inv
                    XH[l, r, j] = xh
                    Z[l, r, j] = xh * params[g + j] + params[be + j]
        for r in range(B):
            for j in range(n_out):
                z = Z[l, r, j]
                if act == 0:
                    A[l + 1, r, j] = z * (1.0 if z > 0 else 0.0)
                elif act == 1:
                    A[l + 1, r, j] = math.tanh(z)
                else:
                    e = math.exp(-abs(z))
                    A[l + 1, r, j] = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


@njit(**JIT)
def _loss(loss_kind, Zout, Yf, Yi, rows, n_out, D):
    """Mean loss of the batch; D gets d(loss)/d(output), as ``losses.mse`` / ``cross_entropy``."""
    B = rows.shape[0]
    if loss_kind == 0:
        size = B * n_out
        s = 0.0
        for r in range(B):
            for j in range(n_out):
                d = Zout[r, j] - Yf[rows[r], j]
                s += d * d
                D[r, j] = d * (2.0 / size)
        return s / size
    total_log, total_z = 0.0, 0.0
    for r in range(B):
        top = Zout[r, 0]
        for j in range(1, n_out):
            top = max(top, Zout[r, j])
        s = 0.0
        for j in range(n_out):
            D[r, j] = math.exp(Zout[r, j] - top)
            s += D[r, j]
        total_log += math.log(s)
        label = Yi[rows[r]]
        total_z += Zout[r, label] - top
        for j in range(n_out):
            D[r, j] /= s
        D[r, label] -= 1.0
        for j in range(n_out):
            D[r, j] /= B
    return (total_log - total_z) / B


@njit(**JIT)
def _backward(params, grads, offs, sizes, act, bn, A, Z, XH, INV, D, DA, B):
    """Fill ``grads`` from D = d(loss)/d(output); D and DA are scratch, swapped layer by layer."""
    n_layers = sizes.shape[0] - 1
    for l in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        w, b = offs[l, 0], offs[l, 1]
        for i in range(n_in * n_out):  # x.T @ d, summed over the batch in order, row by row
            grads[w + i] = 0.0
        for r in range(B):
            for i in range(n_in):
                a = A[l, r, i]
                row = w + i * n_out
                for j in range(n_out):
                    grads[row + j] += a * D[r, j]
        for j in range(n_out):
            s = 0.0
            for r in range(B):
                s += D[r, j]
            grads[b + j] = s
        if l == 0:
            break
        for r in range(B):
            for i in range(n_in):
                s = 0.0
                for j in range(n_out):
                    s += D[r, j] * params[w + i * n_out + j]
                a = A[l, r, i]
                if act == 0:
                    s = s * (1.0 if Z[l - 1, r, i] > 0 else 0.0)
                elif act == 1:
                    s = s * (1.0 - a * a)
                else:
                    s = s * a * (1.0 - a)
                DA[r, i] = s
        if bn:
            g, be = offs[l - 1, 2], offs[l - 1, 3]
            for i in range(n_in):
                sg, sb, m1, m2 = 0.0, 0.0, 0.0, 0.0
                for r in range(B):
                    sg += DA[r, i] * XH[l - 1, r, i]
                    sb += DA[r, i]
                grads[g + i] = sg
                grads[be + i] = sb
                for r in range(B):
                    dxh = DA[r, i] * params[g + i]
                    m1 += dxh
                    m2 += dxh * XH[l - 1, r, i]
                m1 /= B
                m2 /= B
                for r in range(B):
                    dxh = DA[r, i] * params[g + i]
                    DA[r, i] = INV[l - 1, i] * (dxh - m1 - XH[l - 1, r, i] * m2)
        for r in range(B):
            for i in range(n_in):
                D[r, i] = DA[r, i]


@njit(**JIT)
def _update(params, grads, opt, hyper, s1, s2, t):
    """One optimizer step with lr_t = lr / (1 + decay t), t = updates before this one."""
    lr = hyper[0] / (1.0 + hyper[1] * t)
    n = params.shape[0]
    if opt == 0:
        mom = hyper[2]
        for i in range(n):
            if mom == 0.0:
                params[i] -= lr * grads[i]
            else:
                s1[i] = _flushed(s1[i] * mom - lr * grads[i])
                if hyper[3] != 0.0:
                    params[i] += mom * s1[i] - lr * grads[i]
                else:
                    params[i] += s1[i]
    elif opt == 1:
        b1, b2, eps = hyper[4], hyper[5], hyper[6]
        t1 = t + 1.0
        alpha = lr * math.sqrt(1.0 - b2 ** t1) / (1.0 - b1 ** t1)
        for i in range(n):
            s1[i] = _flushed(s1[i] * b1 + (1.0 - b1) * grads[i])
            s2[i] = _flushed(s2[i] * b2 + (1.0 - b2) * grads[i] * grads[i])
            params[i] -= alpha * s1[i] / (math.sqrt(s2[i]) + eps)
    else:
        eps, rho = hyper[6], hyper[7]
        for i in range(n):
            if opt == 2:
                s1[i] = _flushed(s1[i] * rho + (1.0 - rho) * grads[i] * grads[i])
            else:
                s1[i] += grads[i] * grads[i]
            params[i] -= lr * grads[i] / math.sqrt(s1[i] + eps)


@njit(**JIT)
def train_segment(params, offs, sizes, act, bn, run_mean, run_var, hyper, opt, s1, s2, loss_kind,
                  X, Yf, Yi, order, batch, first_batch, t0, limit, stop, losses, trace, A, Z, XH, INV, D, DA, grads):
    """Run ``losses.shape[0]`` updates from batch ``first_batch`` of an epoch's ``order``; returns
    how many ran: fewer when a loss is not <= limit (that update included) or ``stop[0]`` is set.
    ``trace`` (unless it has no rows) gets the parameters after each update: the path view of
    two-parameter models without stopping the loop. ``grads`` keeps the last mini-batch
    gradient; A ... DA are scratch arrays from ``scratch()``."""
    n = order.shape[0]
    n_layers = sizes.shape[0] - 1
    n_out = sizes[n_layers]
    for step in range(losses.shape[0]):
        if stop[0]:
            return step
        start = (first_batch + step) * batch
        rows = order[start:min(start + batch, n)]
        _forward(params, offs, sizes, act, bn, run_mean, run_var, hyper, X, rows, A, Z, XH, INV, True)
        loss = _loss(loss_kind, Z[n_layers - 1], Yf, Yi, rows, n_out, D)
        _backward(params, grads, offs, sizes, act, bn, A, Z, XH, INV, D, DA, rows.shape[0])
        _update(params, grads, opt, hyper, s1, s2, float(t0 + step))
        losses[step] = loss
        if trace.shape[0] > 0:
            trace[step, :] = params
        if not loss <= limit:
            return step + 1
    return losses.shape[0]


NO_TRACE = np.empty((0, 0))  # a trace with no rows: parameters are not recorded


def scratch(sizes: np.ndarray, rows: int, n_params: int) -> tuple:
    """Work arrays of ``train_segment`` for batches of up to ``rows`` rows, made once per run."""
    n_layers, widest = len(sizes) - 1, int(max(sizes))
    return (np.zeros((n_layers + 1, rows, widest)), np.zeros((n_layers, rows, widest)),
            np.zeros((n_layers, rows, widest)), np.zeros((n_layers, widest)), np.zeros((rows, widest)),
            np.zeros((rows, widest)), np.zeros(n_params))


class CompiledSteps:
    """Runs a trainer's updates through ``train_segment`` on the model's own parameter vector."""

    def __init__(self, model, optimizer, loss: str, X: np.ndarray, Y: np.ndarray, batch: int, full_gradient=None):
        from .models import BatchNorm, Dense

        dense = [layer for layer in model.layers if isinstance(layer, Dense)]
        norms = [layer for layer in model.layers if isinstance(layer, BatchNorm)]
        self.sizes = np.array([dense[0].param_shapes["w"][0]] + [d.param_shapes["w"][1] for d in dense], np.int64)
        where = lambda view: offset(model.params, view)  # noqa: E731
        self.offs = np.zeros((len(dense), 4), np.int64)
        for l, d in enumerate(dense):
            self.offs[l, :2] = where(d.p["w"]), where(d.p["b"])
        widest = int(self.sizes.max())
        self.run_mean = np.zeros((max(1, len(norms)), widest))
        self.run_var = np.ones((max(1, len(norms)), widest))
        for l, norm in enumerate(norms):  # the layers keep views, so evaluations see the same statistics
            self.offs[l, 2:] = where(norm.p["gamma"]), where(norm.p["beta"])
            n = norm.running_mean.shape[0]
            self.run_mean[l, :n], self.run_var[l, :n] = norm.running_mean, norm.running_var
            norm.running_mean, norm.running_var = self.run_mean[l, :n], self.run_var[l, :n]
        act = next((layer.name for layer in model.layers if hasattr(layer, "name")), "relu")
        bn_m, bn_eps = (norms[0].momentum, norms[0].eps) if norms else (0.99, 1e-3)
        o = optimizer
        self.hyper = np.array([o.learning_rate, o.decay, getattr(o, "momentum", 0.0), float(getattr(o, "nesterov", False)),
                               getattr(o, "beta_1", 0.9), getattr(o, "beta_2", 0.999), getattr(o, "epsilon", 1e-7),
                               getattr(o, "rho", 0.9), bn_m, bn_eps])
        self.opt = OPTIMIZERS[type(o).__name__.lower()]
        fill = getattr(o, "initial_accumulator_value", 0.0)
        self.s1, self.s2 = np.full(model.n_params, fill), np.zeros(model.n_params)
        self.params, self.optimizer = model.params, optimizer
        self.flags = (ACTIVATIONS[act], bool(norms), LOSSES[loss])
        self.X = _read_only(X, np.float64)
        self.Yf = _read_only(Y, np.float64).reshape(len(X), -1) if loss == "mse" else _read_only(np.zeros((1, 1)), np.float64)
        self.Yi = _read_only(Y, np.int64) if loss != "mse" else _read_only(np.zeros(1), np.int64)
        self.batch = batch
        self.work = scratch(self.sizes, min(batch, len(X)), model.n_params)
        self.full_gradient = full_gradient  # the full-batch gradient at the current parameters (numpy, BLAS)
        self.order = np.arange(len(X))

    def epoch(self, order: np.ndarray | None) -> None:
        self.order = np.arange(len(self.X)) if order is None else order

    def run(self, first_batch: int, n_steps: int, k: int, limit: float, noise_every: int, stop: np.ndarray,
            trace: bool = False):
        """``n_steps`` updates: their losses; at every ``noise_every``-th one, the cosine between its
        mini-batch gradient and the full-batch gradient at the same parameters (NaN elsewhere);
        with ``trace``, the parameters after each update (else None)."""
        losses, cosines = np.empty(n_steps), np.full(n_steps, np.nan)
        params = np.empty((n_steps, self.params.size)) if trace else NO_TRACE
        done = 0
        while done < n_steps:
            at = k + done
            measure = bool(noise_every) and at % noise_every == 0
            length = 1 if measure else n_steps - done if not noise_every else min(n_steps - done, noise_every - at % noise_every)
            full = self.full_gradient() if measure and self.batch < len(self.X) else None
            ran = self._segment(first_batch + done, losses[done:done + length], params[done:done + length], at, limit, stop)
            if measure and ran:
                cosines[done] = 1.0 if full is None else cosine(self.work[-1], full)
            done += ran
            if ran < length or not losses[done - 1] <= limit:  # stopped, or the loss exploded
                break
        self.optimizer.iterations = k + done
        return losses[:done], cosines[:done], params[:done] if trace else None

    def _segment(self, first_batch: int, losses: np.ndarray, trace: np.ndarray, k: int, limit: float,
                 stop: np.ndarray) -> int:
        act, bn, loss = self.flags
        return train_segment(self.params, self.offs, self.sizes, act, bn, self.run_mean, self.run_var, self.hyper,
                             self.opt, self.s1, self.s2, loss, self.X, self.Yf, self.Yi, self.order, self.batch,
                             first_batch, k, limit, stop, losses, trace, *self.work)


def offset(params: np.ndarray, view: np.ndarray) -> int:
    """Where a layer's parameter view starts inside the flat vector ``params``."""
    return (view.ctypes.data - params.ctypes.data) // view.itemsize


def _read_only(a: np.ndarray, dtype) -> np.ndarray:
    """A read-only C-contiguous view (a copy only where needed): numba types read-only and writable
    arrays apart, so data always arrive read-only, as cached data sets are, and the one signature
    ``warm`` compiles (at start-up, in the Docker build) is the one every run uses."""
    view = np.ascontiguousarray(a, dtype=dtype).view()
    view.flags.writeable = False
    return view


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(angle between a and b); NaN when either is zero or anything is not finite."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    c = float(a @ b) / norm if norm > 0 else math.nan
    return c if math.isfinite(c) else math.nan


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
            X, Y = np.zeros((4, 1)), np.zeros((4, 1))
            steps = CompiledSteps(model, build_optimizer("adam", 0.01), "mse", X, Y, 2)
            steps.run(0, 2, 0, np.inf, 0, np.zeros(1, np.uint8))
        WARMED.set()
