"""The compiled kernels, one at a time, against the numpy reference they follow."""
import numpy as np
import pytest

from app.engine import kernels
from app.engine.compiled import AVAILABLE, Layout, hyper_parameters, scratch
from app.engine.models import build_model
from app.engine.optimizers import TINY

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="numba is not installed")


def test_flushed_zeroes_subnormals_and_keeps_nan():
    assert kernels.flushed(TINY / 2) == 0.0 and kernels.flushed(-TINY / 4) == 0.0
    assert kernels.flushed(TINY) == TINY and np.isnan(kernels.flushed(np.nan))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_forward_is_the_models_forward(activation):
    rng = np.random.default_rng(3)
    model = build_model("mlp", 3, 2, rng, hidden=(5, 4), activation=activation, batch_norm=True)
    lay = Layout(model)
    X = rng.normal(size=(6, 3))
    A, Z, XH, INV, *_ = scratch(lay.sizes, 6, model.n_params)
    hyper = hyper_parameters(type("SGD", (), {"learning_rate": 0.1, "decay": 0.0})(), lay.norms)
    kernels.forward(model.params, lay.offs, lay.sizes, {"relu": 0, "tanh": 1, "sigmoid": 2}[activation], True,
                    lay.run_mean, lay.run_var, hyper, X, np.arange(6), A, Z, XH, INV, False)
    np.testing.assert_allclose(Z[2, :, :2], model.forward(X, training=False), rtol=1e-12, atol=1e-14)
