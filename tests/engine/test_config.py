"""The engine's plain run configuration and the update plan (the heart of the lesson)."""
import dataclasses

import numpy as np
import pytest

from app.engine import TrainConfig, make_plan
from app.engine.models import build_model
from app.links import parse_comparison
from tests.support.configs import train_config


def test_the_engine_config_repeats_no_default():
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(TrainConfig))


@pytest.mark.parametrize("n, batch, split, per_epoch, n_train", [
    (1000, None, 0.0, 1, 1000), (1000, 1, 0.0, 1000, 1000), (1000, 100, 0.0, 10, 1000),
    (60000, 100, 0.0, 600, 60000), (10, 3, 0.0, 4, 10), (1000, 32, 0.2, 25, 800), (50, 5000, 0.0, 1, 50),
])
def test_iterations_per_epoch_is_ceil_of_n_train_over_batch(n, batch, split, per_epoch, n_train):
    plan = make_plan(train_config(n_samples=n, batch_size=batch, validation_split=split, epochs=7))
    assert (plan.iterations_per_epoch, plan.n_train, plan.total_updates) == (per_epoch, n_train, 7 * per_epoch)
    assert plan.n_val == n - n_train and plan.batch_size == min(batch or n_train, n_train)


def test_real_data_sets_ignore_n_samples_and_models_fit_the_task():
    cfg = train_config(dataset="digits", n_samples=5)
    assert make_plan(cfg).n_train == 1797
    assert (cfg.resolved_model, cfg.resolved_loss) == ("logistic", "cross_entropy")
    assert (train_config().resolved_model, train_config().resolved_loss) == ("linear", "mse")


def test_plan_dict_names_the_variant():
    assert make_plan(train_config(batch_size=1)).to_dict()["variant"] == "sgd"


@pytest.mark.parametrize("query", ["", "dataset=digits", "dataset=moons&model=mlp&hidden=8x4",
                                   "dataset=digits&model=mlp&hidden=16x16&batch_norm=true"])
def test_limit_parameter_count_matches_the_built_model(query):
    cfg = parse_comparison(query)[0].train_config()
    data = cfg.make_data()
    model = build_model(cfg.resolved_model, data.X_train.shape[1], data.n_outputs, np.random.default_rng(0),
                        hidden=cfg.hidden, activation=cfg.activation, batch_norm=cfg.batch_norm)
    assert cfg.n_params == model.n_params
