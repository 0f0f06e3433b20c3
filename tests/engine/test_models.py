import numpy as np
import pytest

from app.engine.losses import LOSSES
from app.engine.models import BatchNorm, build_model


def numeric_grad(f, params, eps=1e-6):
    g = np.zeros_like(params)
    for i in range(params.size):
        old = params[i]
        params[i] = old + eps
        up = f()
        params[i] = old - eps
        down = f()
        params[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def check_gradients(model, X, y, loss):
    loss_and_grad, loss_value = LOSSES[loss]
    out = model.forward(X, training=True)
    value, dout = loss_and_grad(out, y)
    model.backward(dout)
    analytic = model.grads.copy()
    # BatchNorm's running statistics must not move while probing, so freeze them
    frozen = [(l, l.running_mean.copy(), l.running_var.copy()) for l in model.layers if isinstance(l, BatchNorm)]

    def f():
        v = loss_value(model.forward(X, training=True), y)
        for layer, m, s in frozen:
            layer.running_mean[...] = m
            layer.running_var[...] = s
        return v

    numeric = numeric_grad(f, model.params)
    assert value == pytest.approx(loss_value(model.forward(X, training=True), y), rel=1e-12)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def regression_data(rng, n=7, d=3, k=2):
    return rng.standard_normal((n, d)), rng.standard_normal((n, k))


def class_data(rng, n=9, d=4, k=3):
    return rng.standard_normal((n, d)), rng.integers(0, k, n)


@pytest.mark.parametrize("kind", ["linear", "logistic"])
def test_affine_gradients_mse_and_cross_entropy(rng, kind):
    X, y = regression_data(rng)
    check_gradients(build_model(kind, 3, 2, rng), X, y, "mse")
    X, y = class_data(rng)
    check_gradients(build_model(kind, 4, 3, rng), X, y, "cross_entropy")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("batch_norm", [False, True])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_mlp_gradients(rng, activation, batch_norm, loss):
    X, y = class_data(rng) if loss == "cross_entropy" else regression_data(rng, d=4, k=3)
    model = build_model("mlp", 4, 3, rng, hidden=(5, 4), activation=activation, batch_norm=batch_norm)
    check_gradients(model, X, y, loss)


def test_linear_model_has_exactly_w_and_b(rng):
    model = build_model("linear", 1, 1, rng)
    assert model.n_params == 2
    params = model.export_params()
    assert set(params) == {"w", "b"}
    assert isinstance(params["w"], list) and len(params["w"]) == 1
    assert params["b"] == 0.0


def test_linear_forward_is_affine(rng):
    model = build_model("linear", 2, 1, rng)
    model.named_views["w"][...] = [[2.0], [-1.0]]
    model.named_views["b"][...] = 0.5
    out = model.forward(np.array([[1.0, 1.0], [3.0, 2.0]]))
    np.testing.assert_allclose(out, [[1.5], [4.5]])


def test_glorot_uniform_init_bounds(rng):
    model = build_model("mlp", 64, 10, rng, hidden=(32,))
    w = model.named_views["dense1.w"]
    limit = np.sqrt(6 / (64 + 32))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.8 * limit
    assert np.all(model.named_views["dense1.b"] == 0)


def test_batch_norm_train_uses_batch_stats_and_eval_uses_running_stats(rng):
    bn = BatchNorm(3)
    p = {"gamma": np.ones(3), "beta": np.zeros(3)}
    bn.bind(p, {"gamma": np.zeros(3), "beta": np.zeros(3)})
    x = rng.standard_normal((50, 3)) * 4 + 10
    out = bn.forward(x, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(out.std(axis=0), np.sqrt(x.var(axis=0) / (x.var(axis=0) + 1e-3)), rtol=1e-9)
    # Keras momentum 0.99: running = 0.99 * running + 0.01 * batch statistic
    np.testing.assert_allclose(bn.running_mean, 0.01 * x.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.99 + 0.01 * x.var(axis=0))
    out_eval = bn.forward(x, training=False)
    np.testing.assert_allclose(out_eval, (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-3))


def test_sigmoid_is_stable_for_huge_inputs(rng):
    model = build_model("mlp", 1, 1, rng, hidden=(2,), activation="sigmoid")
    out = model.forward(np.array([[1e6], [-1e6]]))
    assert np.isfinite(out).all()
