"""The compiled path computes what the numpy reference computes, to 1e-12 relative."""
import numpy as np
import pytest

from app.engine import Eval, PathPoint, Trainer, Updates
from app.engine.compiled import AVAILABLE, offset
from tests.support.configs import train_config

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="numba is not installed")

CASES = {
    "linear sgd batch 1": dict(batch_size=1, epochs=3, n_samples=300),
    "linear full batch momentum": dict(batch_size=None, epochs=50, momentum=0.9, learning_rate=0.1),
    "linear nesterov decay shuffle off": dict(batch_size=7, epochs=4, momentum=0.5, nesterov=True, decay=0.01,
                                              shuffle=False, n_samples=100),
    "linear normalized validation": dict(batch_size=10, epochs=5, normalize=True, validation_split=0.2),
    "softmax digits adagrad": dict(dataset="digits", batch_size=32, epochs=2, optimizer="adagrad", learning_rate=0.1),
    "softmax moons rmsprop": dict(dataset="moons", batch_size=5, epochs=3, optimizer="rmsprop", n_samples=200),
    "mlp tanh adam batch 1": dict(dataset="moons", model="mlp", hidden=(16, 16), activation="tanh", optimizer="adam",
                                  batch_size=1, epochs=2, n_samples=300),
    "softmax digits momentum, velocity flushed": dict(dataset="digits", batch_size=1, epochs=1, momentum=0.5,
                                                      learning_rate=0.01),  # 10 velocities go subnormal
    "mlp relu digits momentum": dict(dataset="digits", model="mlp", hidden=(32,), batch_size=1, epochs=1,
                                     momentum=0.9, learning_rate=0.005),
    "mlp sigmoid mse on classes": dict(dataset="moons", model="mlp", hidden=(8, 4), activation="sigmoid", loss="mse",
                                       batch_size=16, epochs=4, n_samples=200, learning_rate=0.5),
    "mlp batch norm relu adam": dict(dataset="moons", model="mlp", hidden=(16, 8), batch_norm=True, optimizer="adam",
                                     batch_size=16, epochs=4, n_samples=300, validation_split=0.2),
    "mlp batch norm digits sgd": dict(dataset="digits", model="mlp", hidden=(16,), batch_norm=True, batch_size=64,
                                      epochs=2, learning_rate=0.1),
    "mlp regression relu": dict(model="mlp", hidden=(8,), batch_size=4, epochs=3, n_samples=200),
    "diverging": dict(batch_size=None, epochs=500, learning_rate=10),
    "early stopping": dict(dataset="moons", n_samples=60, noise=0.4, model="mlp", hidden=(64, 64), optimizer="adam",
                           learning_rate=0.05, batch_size=10, epochs=300, validation_split=0.5, patience=5),
}


def run(config, compiled):
    trainer = Trainer(config, measure_noise=True, compiled=compiled)
    steps = list(trainer.steps())
    losses = np.concatenate([s.losses for s in steps if isinstance(s, Updates)])
    cosines = np.concatenate([s.cosines for s in steps if isinstance(s, Updates)])
    evals = np.array([[e.update, e.train_loss, e.val_loss or 0.0] for e in steps if isinstance(e, Eval)])
    path = [s for s in steps if isinstance(s, PathPoint)]
    return trainer, steps[-1], losses, cosines, evals, path


# BLAS (numpy's matmul) and the compiled loops sum in different orders, so the last bits differ;
# a value near 0 is compared at the scale of its series.
TOLERANCE = 1e-12


def biases_before_batch_norm(model) -> np.ndarray:
    """Where in ``params`` the biases of Dense layers feeding batch norm are. Their gradient is
    exactly 0 (batch norm subtracts the batch mean), so in float64 it is rounding noise, ~1e-17,
    which Adam scales to steps of ~1e-13: both paths leave them at 0 +- ~1e-11 of noise of their
    own, which no output can see (losses agree to 2e-16)."""
    from app.engine.models import BatchNorm, Dense

    where = []
    for layer, after in zip(model.layers, model.layers[1:]):
        if isinstance(layer, Dense) and isinstance(after, BatchNorm):
            start = offset(model.params, layer.p["b"])
            where.extend(range(start, start + layer.p["b"].size))
    return np.array(where, dtype=int)


def close(fast, ref, tol):
    scale = np.nanmax(np.abs(ref)) if np.size(ref) else 0.0
    np.testing.assert_allclose(fast, ref, rtol=tol, atol=tol * scale, equal_nan=True)


@pytest.mark.parametrize("name", CASES)
def test_compiled_and_numpy_paths_agree(name):
    config = train_config(**CASES[name])
    tol = TOLERANCE
    ref, done_ref, loss_ref, cos_ref, ev_ref, path_ref = run(config, compiled=False)
    fast, done_fast, loss_fast, cos_fast, ev_fast, path_fast = run(config, compiled=True)
    assert done_fast == done_ref
    close(loss_fast, loss_ref, tol)
    close(cos_fast, cos_ref, tol)
    close(ev_fast, ev_ref, tol)
    noise = biases_before_batch_norm(ref.model)
    assert (noise.size > 0) == config.batch_norm
    moved = np.setdiff1d(np.arange(ref.model.n_params), noise)
    close(fast.model.params[moved], ref.model.params[moved], tol)
    assert np.all(np.abs(fast.model.params[noise]) < 1e-10) and np.all(np.abs(ref.model.params[noise]) < 1e-10)
    assert [p.update for p in path_fast] == [p.update for p in path_ref]
    close(np.array([p.params for p in path_fast]), np.array([p.params for p in path_ref]), tol)  # traced in the loop


def test_a_stop_flag_ends_the_compiled_run_before_the_next_update():
    trainer = Trainer(train_config(batch_size=1, epochs=5), compiled=True)
    trainer.stop[0] = 1
    steps = list(trainer.steps())
    assert steps[-1].status == "stopped" and steps[-1].updates == 0


WARM_COVERS = """
import ast, json, sys
from app.engine import Trainer, kernels
from app.engine.compiled import warm
from tests.support.configs import train_config
warm()
names = [name for name, k in vars(kernels).items() if hasattr(k, "signatures")]
warmed = {name: set(getattr(kernels, name).signatures) for name in names}
for case in ast.literal_eval(sys.stdin.read()):
    list(Trainer(train_config(**case), measure_noise=True, compiled=True).steps())
print(json.dumps({"kernels": names, "new": [n for n in names if set(getattr(kernels, n).signatures) - warmed[n]]}))
"""


def test_warm_compiles_the_one_signature_every_run_uses():
    """What ``warm`` compiles (at start-up, and into the Docker image) is all a run needs: a run
    that met a new signature would compile for seconds on a user's first request."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([sys.executable, "-c", WARM_COVERS], input=repr(list(CASES.values())),
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[2], timeout=300)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"train_segment", "forward", "backward", "update"} <= set(seen["kernels"]) and seen["new"] == []
