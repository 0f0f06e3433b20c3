"""Models as stacks of layers with hand-written forward and backward passes.

All trainable parameters of a model live in one flat vector ``params`` (and their gradients in
``grads``); each layer holds named views into both. Optimizers then update the whole model with
a handful of vector operations, which keeps a batch-1 update in the microseconds.
"""
from __future__ import annotations

import math

import numpy as np


class Layer:
    param_shapes: dict[str, tuple[int, ...]] = {}

    def bind(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.p, self.g = params, grads

    def init(self, rng: np.random.Generator) -> None:
        """Write initial values into the bound parameter views."""

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError


class Dense(Layer):
    """``out = x @ w + b``; Glorot-uniform weights and zero bias, as Keras' ``Dense``."""

    def __init__(self, n_in: int, n_out: int, needs_input_grad: bool = True):
        self.param_shapes = {"w": (n_in, n_out), "b": (n_out,)}
        self.needs_input_grad = needs_input_grad

    def init(self, rng):
        n_in, n_out = self.param_shapes["w"]
        limit = math.sqrt(6.0 / (n_in + n_out))
        self.p["w"][...] = rng.uniform(-limit, limit, size=(n_in, n_out))
        self.p["b"][...] = 0.0

    def forward(self, x, training):
        self.x = x
        out = x @ self.p["w"]
        out += self.p["b"]
        return out

    def backward(self, dout):
        np.dot(self.x.T, dout, out=self.g["w"])
        np.add.reduce(dout, axis=0, out=self.g["b"])
        return dout @ self.p["w"].T if self.needs_input_grad else None


class Activation(Layer):
    def __init__(self, name: str):
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}")
        self.name = name

    def forward(self, x, training):
        if self.name == "relu":
            self.mask = x > 0
            return x * self.mask
        if self.name == "tanh":
            self.out = np.tanh(x)
        else:  # sigmoid, written to avoid overflow of exp for large |x|
            e = np.exp(-np.abs(x))
            self.out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return self.out

    def backward(self, dout):
        if self.name == "relu":
            return dout * self.mask
        if self.name == "tanh":
            return dout * (1.0 - self.out**2)
        return dout * self.out * (1.0 - self.out)


ACTIVATIONS = ("relu", "tanh", "sigmoid")


class BatchNorm(Layer):
    """Batch normalization over the batch axis, Keras defaults (momentum 0.99, epsilon 1e-3).

    Training normalizes with the mini-batch mean and (biased) variance and updates running
    statistics; evaluation normalizes with the running statistics.
    """

    def __init__(self, n: int, momentum: float = 0.99, eps: float = 1e-3):
        self.param_shapes = {"gamma": (n,), "beta": (n,)}
        self.momentum, self.eps = momentum, eps
        self.running_mean = np.zeros(n)
        self.running_var = np.ones(n)

    def init(self, rng):
        self.p["gamma"][...] = 1.0
        self.p["beta"][...] = 0.0

    def forward(self, x, training):
        if training:
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.running_mean *= m
            self.running_mean += (1 - m) * mean
            self.running_var *= m
            self.running_var += (1 - m) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (x - mean) * self.inv_std
        return self.x_hat * self.p["gamma"] + self.p["beta"]

    def backward(self, dout):
        np.add.reduce(dout * self.x_hat, axis=0, out=self.g["gamma"])
        np.add.reduce(dout, axis=0, out=self.g["beta"])
        dx_hat = dout * self.p["gamma"]
        # d/dx of (x - mean(x)) / std(x) for every sample of the batch at once
        return self.inv_std * (
            dx_hat - dx_hat.mean(axis=0) - self.x_hat * (dx_hat * self.x_hat).mean(axis=0)
        )


class Sequential:
    """A stack of layers sharing one flat parameter vector."""

    def __init__(self, layers: list[Layer], names: list[str], rng: np.random.Generator):
        self.layers = layers
        sizes = [math.prod(s) for layer in layers for s in layer.param_shapes.values()]
        self.params = np.zeros(sum(sizes))
        self.grads = np.zeros_like(self.params)
        self.named_views: dict[str, np.ndarray] = {}
        offset = 0
        for layer, prefix in zip(layers, names):
            p, g = {}, {}
            for key, shape in layer.param_shapes.items():
                size = math.prod(shape)
                p[key] = self.params[offset:offset + size].reshape(shape)
                g[key] = self.grads[offset:offset + size].reshape(shape)
                self.named_views[f"{prefix}{key}"] = p[key]
                offset += size
            layer.bind(p, g)
            layer.init(rng)

    @property
    def n_params(self) -> int:
        return self.params.size

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dout: np.ndarray) -> None:
        """Fill ``self.grads`` with d(loss)/d(params), given d(loss)/d(output)."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)

    def export_params(self) -> dict[str, object]:
        """Parameters as plain lists; a single-output affine model gives ``{"w": [...], "b": x}``."""
        out: dict[str, object] = {}
        for name, view in self.named_views.items():
            if view.ndim == 2 and view.shape[1] == 1:
                out[name] = view[:, 0].tolist()
            elif view.shape == (1,) and name.endswith("b") and len(self.layers) == 1:
                out[name] = float(view[0])
            else:
                out[name] = view.tolist()
        return out


def build_model(
    kind: str,
    n_in: int,
    n_out: int,
    rng: np.random.Generator,
    hidden: tuple[int, ...] = (),
    activation: str = "relu",
    batch_norm: bool = False,
) -> Sequential:
    """``linear`` and ``logistic`` are one affine map (logistic is trained with softmax
    cross-entropy); ``mlp`` stacks Dense [-> BatchNorm] -> activation for each hidden size."""
    if kind in ("linear", "logistic"):
        return Sequential([Dense(n_in, n_out, needs_input_grad=False)], [""], rng)
    if kind != "mlp":
        raise ValueError(f"unknown model {kind!r}")
    layers: list[Layer] = []
    names: list[str] = []
    width = n_in
    for i, size in enumerate(hidden, start=1):
        layers.append(Dense(width, size, needs_input_grad=i > 1))
        names.append(f"dense{i}.")
        if batch_norm:
            layers.append(BatchNorm(size))
            names.append(f"bn{i}.")
        layers.append(Activation(activation))
        names.append(f"act{i}.")
        width = size
    layers.append(Dense(width, n_out, needs_input_grad=bool(hidden)))
    names.append("output.")
    return Sequential(layers, names, rng)
