import pytest

from app.links import parse_comparison
from app.services.budget import check_budget
from app.settings import Settings


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
