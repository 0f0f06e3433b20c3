"""The cost model: each prediction is the sum its docstring describes, checked in closed form
against hand-computed figures (no clock: the fit itself is bench/calibrate.py's business)."""
import math

import pytest

from app.engine import cost
from app.engine.cost import FORWARD, FULL_GRADIENT, RUN, SEGMENT, SIDE_SHARE, UPDATE, PassCost


def test_a_pass_costs_a_fixed_part_plus_per_example_and_per_example_parameter_parts():
    p = PassCost(fixed=1.0, per_example=0.1, per_example_param=0.01)
    assert p(10, 5) == pytest.approx(1.0 + 10 * (0.1 + 5 * 0.01))  # 2.5
    assert p(0, 1000) == 1.0  # a pass over no examples costs its fixed part only
    # the fitted compiled update of one example of the two-parameter linear model: 0.29 us + 10.1 ns
    assert UPDATE["compiled"](1, 2) == pytest.approx(0.29e-6 + 5.8e-9 + 2 * 2.15e-9, rel=1e-12)
    assert UPDATE["numpy"](32, 100) == pytest.approx(40e-6 + 32 * 100 * 0.4e-9, rel=1e-12)


def test_paths_and_the_full_gradient():
    assert cost.path(True) == "compiled" and cost.path(False) == "numpy"
    assert cost.full_gradient(1000, 2) == FULL_GRADIENT(1000, 2) == pytest.approx(17e-6 + 1000 * (0.94e-9 + 2 * 0.35e-9))


@pytest.mark.parametrize("side, update, share, every", [
    (1e-3, 1e-5, SIDE_SHARE, 1000),  # a side pass of 1 ms at 10% of 10 us updates: every 1000 updates
    (1e-3, 1e-5, 0.5, 200),
    (1.5e-6, 1e-5, SIDE_SHARE, 2),  # rounded up: never more often than the share allows
    (1e-9, 1e-3, SIDE_SHARE, 1),  # a cheap side pass may run after every update, not more often
])
def test_stride_spaces_a_side_pass_to_its_share_of_training(side, update, share, every):
    assert cost.stride(side, update, share) == every
    assert side / (every * update) <= share * (1 + 1e-12) or every == 1


def test_a_run_costs_setup_segments_updates_evaluations_boundaries_and_noise():
    keys = dict(total_updates=100, batch=10, n_params=2, n_train=1000, compiled=True, evals=3,
                eval_examples=1000, noise_every=10, boundary_points=400, segments=5, boundaries=2)
    by_hand = (RUN + 5 * SEGMENT + 100 * UPDATE["compiled"](10, 2) + 3 * FORWARD(1000, 2) + 2 * FORWARD(400, 2)
               + math.ceil(100 / 10) * (FULL_GRADIENT(1000, 2) + SEGMENT))
    assert cost.predict_seconds(**keys) == pytest.approx(by_hand, rel=1e-12)
    # in numbers: 1 ms + 75 us + 100 x 0.391 us + 3 x 31.8 us + 2 x 30.72 us + 10 x (18.64 us + 15 us)
    assert by_hand == pytest.approx(1e-3 + 75e-6 + 39.1e-6 + 95.4e-6 + 61.44e-6 + 336.4e-6, rel=1e-9)


def test_noise_is_free_for_a_full_batch_run_and_when_not_measured():
    base = dict(total_updates=20, n_params=2, n_train=1000, compiled=True, evals=21, eval_examples=1000)
    full = cost.predict_seconds(batch=1000, noise_every=1, **base)
    assert full == pytest.approx(RUN + 20 * UPDATE["compiled"](1000, 2) + 21 * FORWARD(1000, 2), rel=1e-12)
    assert cost.predict_seconds(batch=10, noise_every=0, **base) == pytest.approx(
        RUN + 20 * UPDATE["compiled"](10, 2) + 21 * FORWARD(1000, 2), rel=1e-12)
    assert cost.predict_seconds(batch=10, noise_every=4, **base) == pytest.approx(
        cost.predict_seconds(batch=10, noise_every=0, **base) + 5 * (FULL_GRADIENT(1000, 2) + SEGMENT), rel=1e-12)


def test_the_numpy_path_costs_more_per_update_than_the_compiled_loop():
    keys = dict(total_updates=20000, batch=1, n_params=2, n_train=1000, evals=100, eval_examples=1000, noise_every=0)
    compiled, numpy = (cost.predict_seconds(compiled=c, **keys) for c in (True, False))
    assert numpy - compiled == pytest.approx(20000 * (UPDATE["numpy"](1, 2) - UPDATE["compiled"](1, 2)), rel=1e-9)
    assert numpy > 100 * (compiled - RUN - 100 * FORWARD(1000, 2))
