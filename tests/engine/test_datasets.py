import numpy as np
import pytest

from app.engine.datasets import (DIGITS_FILE, INTERCEPT, SLOPE, load_digits, make_dataset,
                                 split_sizes)


def test_linear_is_one_feature_around_the_true_line():
    d = make_dataset("linear", n_samples=5000, noise=0.5, seed=3)
    assert d.X_train.shape == (5000, 1) and d.y_train.shape == (5000, 1)
    slope, intercept = np.polyfit(d.X_train[:, 0], d.y_train[:, 0], 1)
    assert slope == pytest.approx(SLOPE, abs=0.05)
    assert intercept == pytest.approx(INTERCEPT, abs=0.05)
    residual = d.y_train - (SLOPE * d.X_train + INTERCEPT)
    assert residual.std() == pytest.approx(0.5, rel=0.05)


def test_same_seed_same_data_other_seed_other_data():
    for name in ("linear", "moons"):
        a = make_dataset(name, 200, seed=1)
        b = make_dataset(name, 200, seed=1)
        c = make_dataset(name, 200, seed=2)
        np.testing.assert_array_equal(a.X_train, b.X_train)
        np.testing.assert_array_equal(a.y_train, b.y_train)
        assert not np.array_equal(a.X_train, c.X_train)


def test_moons_two_balanced_shuffled_classes():
    d = make_dataset("moons", 300, seed=0)
    assert d.X_train.shape == (300, 2) and d.n_outputs == 2
    assert np.bincount(d.y_train).tolist() == [150, 150]
    assert 0.3 < d.y_train[:100].mean() < 0.7  # shuffled, so a tail split holds both classes


def test_digits_are_the_real_8x8_digits():
    assert DIGITS_FILE.exists() and DIGITS_FILE.with_name("DIGITS_LICENSE.md").exists()
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert sorted(np.unique(y).tolist()) == list(range(10))
    assert X.min() == 0.0 and X.max() == 1.0
    # the first digit of the UCI test set is a 0: a ring of ink around an empty centre
    img = X[0].reshape(8, 8)
    assert y[0] == 0 and img[3:5, 3:5].max() < 0.2 and img[1, 2:6].mean() > 0.5
    d = make_dataset("digits", n_samples=10)  # n_samples is ignored for a real data set
    assert d.n_train == 1797


def test_validation_split_takes_the_tail_like_keras():
    full = make_dataset("linear", 1000, seed=0)
    d = make_dataset("linear", 1000, seed=0, validation_split=0.2)
    assert (d.n_train, d.n_val) == (800, 200)
    np.testing.assert_array_equal(d.X_val, full.X_train[800:])
    np.testing.assert_array_equal(d.y_train, full.y_train[:800])
    assert split_sizes(1797, 0.25) == (int(1797 * 0.75), 1797 - int(1797 * 0.75))


def test_normalize_uses_training_statistics_only():
    raw = make_dataset("digits", validation_split=0.2)
    d = make_dataset("digits", validation_split=0.2, normalize=True)
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    varying = std > 0
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=0)[varying], 1, rtol=1e-12)
    assert np.all(d.X_train[:, ~varying] == 0)  # constant pixels: centred, not divided by 0
    expected_val = (raw.X_val[:, varying] - mean[varying]) / std[varying]
    np.testing.assert_allclose(d.X_val[:, varying], expected_val)
    assert abs(d.X_val.mean()) > 1e-6  # validation is not re-centred on its own statistics


def test_identical_requests_share_one_read_only_dataset():
    a = make_dataset("moons", 300, seed=4, validation_split=0.2)
    assert make_dataset("moons", 300, seed=4, validation_split=0.2) is a
    assert make_dataset("digits", 5) is make_dataset("digits", 999)
    with pytest.raises(ValueError):
        a.X_train[0, 0] = 1.0


def test_x_center_moves_the_linear_inputs_and_stretches_the_valley():
    default = make_dataset("linear", 1000, seed=0)
    assert make_dataset("linear", 1000, seed=0, x_center=1.0) is default  # 1 is the default centre
    assert -1 <= default.X_train.min() and default.X_train.max() <= 3
    far = make_dataset("linear", 1000, noise=0.0, seed=0, x_center=4.0)
    assert 2 <= far.X_train.min() and far.X_train.max() <= 6
    assert np.allclose(far.X_train - 3.0, default.X_train)  # the same draws, moved
    assert np.array_equal(far.y_train, 2 * far.X_train + 1)  # noise=0: exactly on the line

    def conditioning(d):  # of the MSE Hessian in (w, b): 2 [[E x^2, E x], [E x, 1]]
        x = d.X_train[:, 0]
        eig = np.linalg.eigvalsh(np.array([[np.mean(x * x), x.mean()], [x.mean(), 1.0]]))
        return eig[-1] / eig[0]

    assert conditioning(default) < 10 and conditioning(far) > 200  # a long, narrow valley
    assert make_dataset("moons", 300, seed=0, x_center=4.0) is make_dataset("moons", 300, seed=0)  # ignored
