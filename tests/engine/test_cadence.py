"""The side-work cadence: evaluations, boundaries, noise and path points spaced by the cost model."""
import math

from app.engine import Trainer, cost, make_plan
from app.engine.cadence import (MAX_BOUNDARIES, MAX_EVALS, MAX_PATH_POINTS, MIN_BOUNDARIES, MIN_NOISE_POINTS,
                                Cadence, predict_seconds)
from tests.support.configs import train_config


def cadence(measure_noise=True, track_path=True, boundary_points=0, compiled=True, **keys):
    config = train_config(**keys)
    return Cadence.of(config, make_plan(config), config.n_params, measure_noise, track_path, boundary_points, compiled)


def test_noise_costs_a_tenth_of_training_but_keeps_twenty_points():
    long_run = Trainer(train_config(dataset="moons", model="mlp", n_samples=1000, batch_size=250, epochs=1000),
                       measure_noise=True, compiled=True)
    update = cost.UPDATE["compiled"]
    n_params = long_run.model.n_params
    expected = math.ceil(cost.full_gradient(1000, n_params) / (cost.SIDE_SHARE * update(250, n_params)))
    assert long_run.noise_every == expected and 4000 // expected >= MIN_NOISE_POINTS
    sgd = Trainer(train_config(dataset="moons", model="mlp", batch_size=1, epochs=2, n_samples=1000),
                  measure_noise=True, compiled=True)
    assert sgd.noise_every == 2000 // MIN_NOISE_POINTS  # the share alone would leave too few points
    assert Trainer(train_config(batch_size=None), measure_noise=True).noise_every == 1  # free: cos = 1
    assert Trainer(train_config(dataset="moons", model="mlp", batch_norm=True), measure_noise=True).noise_every == 0


def test_evaluations_are_at_most_max_evals_and_cheap_runs_evaluate_less_often():
    small = cadence(n_samples=1000, batch_size=1, epochs=20)
    assert small.eval_every >= math.ceil(20000 / MAX_EVALS)
    big_eval = cadence(n_samples=1000, batch_size=1, epochs=20, validation_split=0.5)
    assert big_eval.eval_every >= small.eval_every  # evaluating more examples costs more


def test_boundaries_stay_between_min_and_max_a_run():
    c = cadence(dataset="moons", n_samples=500, batch_size=1, epochs=4, boundary_points=1600)
    assert math.ceil(2000 / MAX_BOUNDARIES) <= c.boundary_every <= math.ceil(2000 / MIN_BOUNDARIES)
    assert cadence(dataset="moons").boundary_every == 0  # no grid, no boundaries


def test_path_points_only_for_two_parameter_models():
    assert cadence(n_samples=1000, batch_size=1, epochs=20).path_every == math.ceil(20000 / MAX_PATH_POINTS)
    assert cadence(n_samples=1000, batch_size=1, epochs=20, track_path=False).path_every == 0
    assert cadence(dataset="moons", model="mlp").path_every == 0


def test_an_evaluation_shares_its_gradient_only_on_a_whole_training_set_before_a_measurement():
    c = cadence(dataset="moons", model="mlp", hidden="8", batch_size=16, n_samples=400, epochs=10,
                validation_split=0.2)
    assert c.share_gradient and c.gradient_after(0) and c.gradient_after(c.noise_every)
    assert not c.gradient_after(1) and not c.gradient_after(c.total_updates)  # nothing follows the last update
    assert not cadence(n_samples=5000, batch_size=10).share_gradient  # evaluated on a subset
    assert not cadence(batch_size="full").share_gradient  # full batch: the cosine is 1, no gradient
    assert not cadence(measure_noise=False, batch_size=10).share_gradient


def test_predicted_seconds_follow_the_cadence_and_the_path():
    config = train_config(dataset="moons", model="mlp", hidden="16x16", batch_size=1, epochs=5, n_samples=1000)
    assert 0 < predict_seconds(config, compiled=True) < predict_seconds(config, compiled=False)
    longer = train_config(dataset="moons", model="mlp", hidden="16x16", batch_size=1, epochs=10, n_samples=1000)
    assert predict_seconds(longer, compiled=True) > predict_seconds(config, compiled=True)
