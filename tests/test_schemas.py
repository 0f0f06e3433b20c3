from urllib.parse import parse_qsl

import pytest

from app.schemas import QueryError, RunConfig, allowed, parse_comparison, to_query


def parse(query: str):
    return parse_comparison(parse_qsl(query, keep_blank_values=True))


def test_lists_zip_by_position_and_single_values_apply_to_every_run():
    runs = parse("dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100&learning_rate=0.1,0.2,0.3")
    assert [r.batch_size for r in runs] == ["full", 1, 100]
    assert [r.learning_rate for r in runs] == [0.1, 0.2, 0.3]
    assert all(r.epochs == 20 for r in runs)


def test_page_only_keys_and_version_are_ignored():
    assert parse("lang=ja&autoplay=true&v=1&view=loss") == [RunConfig()]


def test_canonical_query_round_trips_with_literal_commas():
    runs = parse("batch_size=full,1,100&hidden=8x4&label=a b,c,d&model=mlp")
    query = to_query(runs)
    assert "batch_size=full,1,100" in query and "%2C" not in query
    assert parse(query) == runs
    assert to_query([RunConfig()]) == ""


def test_engine_config_maps_full_batch_to_none():
    cfg = parse("batch_size=full,7")[0].train_config()
    assert cfg.batch_size is None and cfg.hidden == (16, 16)


BAD = [
    ("epochs=0", "epochs", ">= 1"),
    ("epochs=1.5", "epochs", "whole number"),
    ("epochs=100000", "epochs", "<= 1000"),
    ("batch_size=0", "batch_size", "'full' or a whole number"),
    ("batch_size=half", "batch_size", "'full' or a whole number"),
    ("learning_rate=-1", "learning_rate", "> 0"),
    ("learning_rate=nan", "learning_rate", "> 0"),
    ("momentum=1", "momentum", "< 1"),
    ("dataset=mnist", "dataset", "linear, moons, digits"),
    ("optimizer=lbfgs", "optimizer", "sgd, adam, rmsprop, adagrad"),
    ("nesterov=maybe", "nesterov", "true or false"),
    ("hidden=16x0", "hidden", "1 to 256"),
    ("validation_split=0.95", "validation_split", "<= 0.9"),
    ("n_samples=1", "n_samples", ">= 2"),
    ("noise=abc", "noise", "a number"),
    ("label=" + "x" * 61, "label", "60 characters"),
    ("colour=red", "colour", "allowed keys"),
    ("epochs=", "epochs", "whole number"),
    ("epochs=1&epochs=2", "epochs", "twice"),
    ("loss=cross_entropy", "loss", "classification"),
    ("model=logistic", "model", "classification"),
    ("batch_size=1,2&learning_rate=1,2,3", "batch_size,learning_rate", "same length"),
    ("batch_size=" + ",".join(["1"] * 9), "batch_size", "at most 8 runs"),
    ("v=2", "v", "format version"),
]


@pytest.mark.parametrize("query, key, hint", BAD)
def test_bad_input_names_key_value_and_what_is_allowed(query, key, hint):
    with pytest.raises(QueryError) as info:
        parse(query)
    error = info.value.errors[0]
    assert error["loc"] == ["query", key]
    assert hint in error["msg"]
    assert key.split(",")[0] in error["msg"]


def test_error_in_one_run_says_which_run():
    with pytest.raises(QueryError) as info:
        parse("batch_size=1,0")
    assert "(run 2)" in info.value.errors[0]["msg"]


def test_every_key_describes_what_it_allows():
    for key in RunConfig.model_fields:
        assert allowed(key)


def test_empty_value_of_an_optional_key_means_unset():
    runs = parse("dataset=moons&validation_split=0.5&patience=,50&model=,mlp")
    assert [r.patience for r in runs] == [None, 50] and [r.model for r in runs] == [None, "mlp"]
