import numpy as np
import pytest

from app.engine.losses import cross_entropy, cross_entropy_value, mse, mse_value


def test_mse_closed_form_without_half_factor():
    pred = np.array([[1.0], [2.0], [4.0]])
    target = np.array([[0.0], [2.0], [1.0]])
    loss, grad = mse(pred.copy(), target)
    assert loss == pytest.approx((1 + 0 + 9) / 3)
    np.testing.assert_allclose(grad, 2 * (pred - target) / 3)
    assert mse_value(pred, target) == pytest.approx(loss)


def test_mse_averages_over_outputs_too():
    pred = np.array([[1.0, 3.0]])
    loss, grad = mse(pred.copy(), np.zeros((1, 2)))
    assert loss == pytest.approx(5.0)
    np.testing.assert_allclose(grad, [[1.0, 3.0]])


def test_cross_entropy_matches_naive_softmax():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.log(p[np.arange(6), labels]).mean()
    loss, grad = cross_entropy(logits, labels)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_value(logits, labels) == pytest.approx(expected, rel=1e-12)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(grad, (p - onehot) / 6, atol=1e-15)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    loss, grad = cross_entropy(logits, np.array([1, 1]))
    assert loss == pytest.approx(1000.0)
    assert np.isfinite(grad).all()
    assert cross_entropy_value(logits, np.array([0, 1])) == pytest.approx(0.0, abs=1e-12)
