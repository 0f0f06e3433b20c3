import numpy as np
import pytest

from app.engine.models import build_model
from app.links import parse_comparison
from app.services.budget import check_budget, n_params
from app.settings import Settings


@pytest.mark.parametrize("query", ["", "dataset=digits", "dataset=moons&model=mlp&hidden=8x4",
                                   "dataset=digits&model=mlp&hidden=16x16&batch_norm=true"])
def test_limit_parameter_count_matches_the_built_model(query):
    cfg = parse_comparison(query)[0].train_config()
    data = cfg.make_data()
    model = build_model(cfg.resolved_model, data.X_train.shape[1], data.n_outputs, np.random.default_rng(0),
                        hidden=cfg.hidden, activation=cfg.activation, batch_norm=cfg.batch_norm)
    assert n_params(cfg) == model.n_params


def configs(query):
    return [r.train_config() for r in parse_comparison(query)]


def test_a_comparison_within_the_limits_has_no_problem():
    assert check_budget(configs("batch_size=full,1,100"), Settings()) == []


@pytest.mark.parametrize("query, key, words", [
    ("n_samples=200000", "n_samples", "lower n_samples to at most 100000"),
    ("batch_size=1&n_samples=100000&epochs=40", "epochs", "lower epochs by 2x (epochs=40 -> 20), raise batch_size"),
    ("dataset=digits&model=mlp&hidden=256x256&batch_size=full&epochs=1000", "epochs", "lower n_samples or hidden"),
])
def test_every_refusal_names_the_keys_to_lower_and_by_how_much(query, key, words):
    problems = check_budget(configs(query), Settings())
    assert any(p["loc"] == ["query", key] and words in p["msg"] for p in problems), problems


def test_identical_runs_count_once():
    one = check_budget(configs("batch_size=1&n_samples=100000&epochs=20"), Settings())
    two = check_budget(configs("batch_size=1,1&n_samples=100000&epochs=20"), Settings())
    assert one == two == []
