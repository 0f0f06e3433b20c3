"""The compiled kernels (numba) of ``compiled.CompiledSteps``: one update's forward pass, loss,
backward pass and optimizer step on a flat parameter vector, and ``train_segment``, a whole
stretch of updates per call.

The same arithmetic as the numpy reference (``models``, ``losses``, ``optimizers``), in the same
order of operations, so both paths agree to ~1e-12 (tested). Kernels run with the GIL released
(``nogil``). Model: dense layers ``sizes[0] -> ... -> sizes[-1]``; each hidden layer is Dense
[-> BatchNorm] -> activation (0 relu, 1 tanh, 2 sigmoid); ``offs[l]`` holds where layer l's
w, b, gamma, beta start in ``params``. Loss 0: MSE (Keras, no 1/2), 1: softmax cross-entropy.
Optimizer 0 SGD, 1 Adam, 2 RMSprop, 3 Adagrad; ``hyper`` holds lr, decay, momentum, nesterov,
beta_1, beta_2, epsilon, rho, batch-norm momentum, batch-norm eps. Layer arrays (A, Z, XH, INV)
are indexed by layer inside each kernel, as one loop nest would.
"""
from __future__ import annotations

import math

from .optimizers import TINY

try:
    from numba import njit
    AVAILABLE = True
except ImportError:  # pragma: no cover - numba is a dependency; the numpy path still works without it
    AVAILABLE = False

    def njit(*args, **kwargs):
        return lambda fn: fn

JIT = {"cache": True, "nogil": True}


@njit(**JIT)
def flushed(x):
    """``optimizers.flush`` for one value: 0 below the smallest normal float64 (NaN stays)."""
    return 0.0 if abs(x) < TINY else x


@njit(**JIT)
def dense_forward(params, w, b, n_in, n_out, A, Z, l, B):
    """Z[l] = A[l] @ w + b, summed over i in order as a dot product would."""
    for r in range(B):
        for j in range(n_out):
            Z[l, r, j] = 0.0
        for i in range(n_in):
            a = A[l, r, i]
            row = w + i * n_out
            for j in range(n_out):
                Z[l, r, j] += a * params[row + j]
        for j in range(n_out):
            Z[l, r, j] += params[b + j]


@njit(**JIT)
def batch_norm_forward(params, g, be, m, eps, run_mean, run_var, Z, XH, INV, l, n_out, B, training):
    """Normalize Z[l] by the batch's statistics (training: moving the running ones) or the
    running ones; XH and INV keep what the backward pass needs."""
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


@njit(**JIT)
def activate(act, Z, A, l, n_out, B):
    """A[l + 1] = activation(Z[l]); sigmoid in its overflow-free form."""
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
def forward(params, offs, sizes, act, bn, run_mean, run_var, hyper, X, rows, A, Z, XH, INV, training):
    """A[l] holds layer l's input, Z[l] its pre-activation (after batch norm where there is one)."""
    B = rows.shape[0]
    n_layers = sizes.shape[0] - 1
    for r in range(B):
        for i in range(sizes[0]):
            A[0, r, i] = X[rows[r], i]
    for l in range(n_layers):
        n_out = sizes[l + 1]
        dense_forward(params, offs[l, 0], offs[l, 1], sizes[l], n_out, A, Z, l, B)
        if l == n_layers - 1:
            break
        if bn:
            batch_norm_forward(params, offs[l, 2], offs[l, 3], hyper[8], hyper[9], run_mean, run_var, Z, XH, INV,
                               l, n_out, B, training)
        activate(act, Z, A, l, n_out, B)


@njit(**JIT)
def loss(loss_kind, Zout, Yf, Yi, rows, n_out, D):
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
def dense_backward(grads, w, b, n_in, n_out, A, l, D, B):
    """The gradients of layer l's w (x.T @ d, summed over the batch in order, row by row) and b."""
    for i in range(n_in * n_out):
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


@njit(**JIT)
def input_backward(params, w, n_in, n_out, act, A, Z, l, D, DA, B):
    """DA = d(loss)/d(layer l's input), through the activation before it (Z[l - 1] -> A[l])."""
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


@njit(**JIT)
def batch_norm_backward(params, grads, g, be, XH, INV, l, n, DA, B):
    """gamma's and beta's gradients of batch norm l, and DA taken back through it."""
    for i in range(n):
        sg, sb, m1, m2 = 0.0, 0.0, 0.0, 0.0
        for r in range(B):
            sg += DA[r, i] * XH[l, r, i]
            sb += DA[r, i]
        grads[g + i] = sg
        grads[be + i] = sb
        for r in range(B):
            dxh = DA[r, i] * params[g + i]
            m1 += dxh
            m2 += dxh * XH[l, r, i]
        m1 /= B
        m2 /= B
        for r in range(B):
            dxh = DA[r, i] * params[g + i]
            DA[r, i] = INV[l, i] * (dxh - m1 - XH[l, r, i] * m2)


@njit(**JIT)
def backward(params, grads, offs, sizes, act, bn, A, Z, XH, INV, D, DA, B):
    """Fill ``grads`` from D = d(loss)/d(output); D and DA are scratch, swapped layer by layer."""
    n_layers = sizes.shape[0] - 1
    for l in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        dense_backward(grads, offs[l, 0], offs[l, 1], n_in, n_out, A, l, D, B)
        if l == 0:
            break
        input_backward(params, offs[l, 0], n_in, n_out, act, A, Z, l, D, DA, B)
        if bn:
            batch_norm_backward(params, grads, offs[l - 1, 2], offs[l - 1, 3], XH, INV, l - 1, n_in, DA, B)
        for r in range(B):
            for i in range(n_in):
                D[r, i] = DA[r, i]


@njit(**JIT)
def update(params, grads, opt, hyper, s1, s2, t):
    """One optimizer step with lr_t = lr / (1 + decay t), t = updates before this one."""
    lr = hyper[0] / (1.0 + hyper[1] * t)
    n = params.shape[0]
    if opt == 0:
        mom = hyper[2]
        for i in range(n):
            if mom == 0.0:
                params[i] -= lr * grads[i]
            else:
                s1[i] = flushed(s1[i] * mom - lr * grads[i])
                if hyper[3] != 0.0:
                    params[i] += mom * s1[i] - lr * grads[i]
                else:
                    params[i] += s1[i]
    elif opt == 1:
        b1, b2, eps = hyper[4], hyper[5], hyper[6]
        t1 = t + 1.0
        alpha = lr * math.sqrt(1.0 - b2 ** t1) / (1.0 - b1 ** t1)
        for i in range(n):
            s1[i] = flushed(s1[i] * b1 + (1.0 - b1) * grads[i])
            s2[i] = flushed(s2[i] * b2 + (1.0 - b2) * grads[i] * grads[i])
            params[i] -= alpha * s1[i] / (math.sqrt(s2[i]) + eps)
    else:
        eps, rho = hyper[6], hyper[7]
        for i in range(n):
            if opt == 2:
                s1[i] = flushed(s1[i] * rho + (1.0 - rho) * grads[i] * grads[i])
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
    gradient; A ... DA are scratch arrays from ``compiled.scratch()``."""
    n = order.shape[0]
    n_layers = sizes.shape[0] - 1
    n_out = sizes[n_layers]
    for step in range(losses.shape[0]):
        if stop[0]:
            return step
        start = (first_batch + step) * batch
        rows = order[start:min(start + batch, n)]
        forward(params, offs, sizes, act, bn, run_mean, run_var, hyper, X, rows, A, Z, XH, INV, True)
        value = loss(loss_kind, Z[n_layers - 1], Yf, Yi, rows, n_out, D)
        backward(params, grads, offs, sizes, act, bn, A, Z, XH, INV, D, DA, rows.shape[0])
        update(params, grads, opt, hyper, s1, s2, float(t0 + step))
        losses[step] = value
        if trace.shape[0] > 0:
            trace[step, :] = params
        if not value <= limit:
            return step + 1
    return losses.shape[0]
