"""Optimizers with Keras semantics and defaults.

Each ``update(params, grads)`` changes ``params`` in place. State (velocity, accumulators,
moments) is kept per parameter: one slot the shape of the parameter vector, as Keras keeps one
slot per variable. Every optimizer applies Keras' legacy time-based decay

    lr_t = lr / (1 + decay * t),  t = number of updates done before this one.

State that decays (SGD's velocity, RMSprop's and Adam's moments) is set to 0 once its magnitude
falls below the smallest normal float64, TINY = 2.2e-308 (``flush``). Such a value cannot move
a parameter (p + s == p for |p| above ~1e-292), but subnormal arithmetic costs 10-100x on x86: a
velocity decaying for a rarely lit digits pixel made updates 2.5x slower after ~6000 of them.
Keras on its TensorFlow and JAX backends flushes every subnormal to zero (TensorFlow's CPU
threads and XLA run with FTZ/DAZ); on the torch backend only this state differs, by < 1e-307.
"""
from __future__ import annotations

import math

import numpy as np


TINY = float(np.finfo(np.float64).tiny)


def flush(state: np.ndarray) -> np.ndarray:
    """Subnormal entries of ``state`` become 0 (NaN and inf stay: a diverging run still shows)."""
    state[np.abs(state) < TINY] = 0.0
    return state


class Optimizer:
    def __init__(self, learning_rate: float, decay: float = 0.0):
        self.learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0  # t: updates applied so far

    def current_lr(self) -> float:
        return self.learning_rate / (1.0 + self.decay * self.iterations)

    def update(self, params: np.ndarray, grads: np.ndarray) -> None:
        self._apply(params, grads, self.current_lr())
        self.iterations += 1

    def _apply(self, params: np.ndarray, grads: np.ndarray, lr: float) -> None:
        raise NotImplementedError

    def _slot(self, name: str, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
        slot = self.__dict__.get(name)
        if slot is None:
            slot = np.full_like(like, fill)
            setattr(self, name, slot)
        return slot


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as ``keras.optimizers.SGD``.

    Without momentum:   p <- p - lr_t * g
    With momentum m:    v <- m * v - lr_t * g            (v starts at 0)
                        p <- p + v                       (classical)
                        p <- p + m * v - lr_t * g        (nesterov=True)
    """

    def __init__(self, learning_rate: float, momentum: float = 0.0, nesterov: bool = False, decay: float = 0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = None

    def _apply(self, params, grads, lr):
        if self.momentum == 0.0:
            params -= lr * grads
            return
        v = self._slot("velocity", params)
        v *= self.momentum
        v -= lr * grads
        flush(v)
        if self.nesterov:
            params += self.momentum * v - lr * grads
        else:
            params += v


class _RootScaled(Optimizer):
    """Steps scaled by the root of an accumulator of squared gradients (Adagrad, RMSprop), with
    epsilon inside the root as Keras 3 writes it: p <- p - lr_t * g / sqrt(a + epsilon)."""

    initial_accumulator_value = 0.0

    def __init__(self, learning_rate: float, decay: float = 0.0, epsilon: float = 1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.accumulator = None

    def _accumulate(self, a: np.ndarray, grads: np.ndarray) -> None:
        raise NotImplementedError

    def _apply(self, params, grads, lr):
        a = self._slot("accumulator", params, self.initial_accumulator_value)
        self._accumulate(a, grads)
        params -= lr * grads / np.sqrt(a + self.epsilon)


class Adagrad(_RootScaled):
    """Adagrad, as ``keras.optimizers.Adagrad`` (Keras 3): initial accumulator 0.1, epsilon 1e-7.

    a <- a + g^2                                    (a starts at 0.1)
    p <- p - lr_t * g / sqrt(a + epsilon)
    """

    initial_accumulator_value = 0.1

    def _accumulate(self, a, grads):
        a += grads * grads


class RMSprop(_RootScaled):
    """RMSprop, as ``keras.optimizers.RMSprop`` (Keras 3, no momentum, not centered): rho 0.9,
    epsilon 1e-7.

    a <- rho * a + (1 - rho) * g^2                  (a starts at 0)
    p <- p - lr_t * g / sqrt(a + epsilon)
    """

    def __init__(self, learning_rate: float, decay: float = 0.0, rho: float = 0.9, epsilon: float = 1e-7):
        super().__init__(learning_rate, decay, epsilon)
        self.rho = rho

    def _accumulate(self, a, grads):
        a *= self.rho
        a += (1.0 - self.rho) * grads * grads
        flush(a)


class Adam(Optimizer):
    """Adam, as ``keras.optimizers.Adam`` (Keras 3): beta_1 0.9, beta_2 0.999, epsilon 1e-7
    ("epsilon hat", added after the bias-corrected root).

    m <- beta_1 * m + (1 - beta_1) * g              (m, v start at 0; t counts from 1)
    v <- beta_2 * v + (1 - beta_2) * g^2
    alpha_t = lr_t * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    p <- p - alpha_t * m / (sqrt(v) + epsilon)
    """

    def __init__(self, learning_rate: float, decay: float = 0.0, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate, decay)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.m = self.v = None

    def _apply(self, params, grads, lr):
        m = self._slot("m", params)
        v = self._slot("v", params)
        t = self.iterations + 1
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grads
        v *= self.beta_2
        v += (1.0 - self.beta_2) * grads * grads
        flush(m), flush(v)
        alpha = lr * math.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t)
        params -= alpha * m / (np.sqrt(v) + self.epsilon)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}


def build_optimizer(name: str, learning_rate: float, momentum: float = 0.0,
                    nesterov: bool = False, decay: float = 0.0) -> Optimizer:
    """Momentum and Nesterov belong to SGD; the other optimizers ignore them."""
    if name == "sgd":
        return SGD(learning_rate, momentum=momentum, nesterov=nesterov, decay=decay)
    return OPTIMIZERS[name](learning_rate, decay=decay)
