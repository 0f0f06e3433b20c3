"""The share link: parsing a query string into runs, and the one canonical link writer."""
import pytest

from app.errors import QueryError
from app.links import parse_comparison, split_query, to_query, value_text
from app.schemas import RunConfig
from tests.support import cases


def parse(query: str):
    return parse_comparison(query)


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
    assert to_query([RunConfig()]) == "dataset=linear&n_samples=1000&epochs=20&batch_size=32"




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


def test_lists_of_different_lengths_are_named_as_such_with_each_key_and_its_value():
    with pytest.raises(QueryError) as info:
        parse("batch_size=1,32,full&epochs=5&learning_rate=0.1,0.01")
    message = "lists must have the same length: batch_size has 3 items, learning_rate has 2 items"
    assert info.value.errors == [
        {"loc": ["query", "batch_size"], "msg": message, "type": "list_length", "input": "1,32,full"},
        {"loc": ["query", "learning_rate"], "msg": message, "type": "list_length", "input": "0.1,0.01"}]


def test_error_in_one_run_says_which_run():
    with pytest.raises(QueryError) as info:
        parse("batch_size=1,0")
    assert "(run 2)" in info.value.errors[0]["msg"]


def test_empty_value_of_an_optional_key_means_unset():
    runs = parse("dataset=moons&validation_split=0.5&patience=,50&model=,mlp")
    assert [r.patience for r in runs] == [None, 50] and [r.model for r in runs] == [None, "mlp"]


MESSY = [
    # keys in any order, redundant defaults, a list of equal values, a float written long
    ("?seed=0&dataset=linear&batch_size=full,1,100&n_samples=1000&epochs=20,20,20",
     "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"),
    ("batch_size=100&learning_rate=0.10&momentum=0.0&shuffle=true&epochs=5",
     "dataset=linear&n_samples=1000&epochs=5&batch_size=100&learning_rate=0.1"),
    ("learning_rate=1,0.00001&batch_size=1", "dataset=linear&n_samples=1000&epochs=20&batch_size=1&learning_rate=1,1e-05"),
    ("label=%E6%97%A5%E6%9C%AC%20%C3%A9,b&batch_size=1",
     "dataset=linear&n_samples=1000&epochs=20&label=%E6%97%A5%E6%9C%AC%20%C3%A9,b&batch_size=1"),
    ("dataset=digits&n_samples=500&model=logistic", "dataset=digits&model=logistic&epochs=20&batch_size=32"),
    ("hidden=016x4&model=mlp", "dataset=linear&n_samples=1000&model=mlp&hidden=16x4&epochs=20&batch_size=32"),
]


@pytest.mark.parametrize("messy, canonical", MESSY)
def test_the_canonical_link_is_one_rule(messy, canonical):
    assert to_query(parse(messy.lstrip("?"))) == canonical
    assert to_query(parse(canonical)) == canonical  # a fixed point


def test_a_link_always_keeps_its_number_of_runs():
    for query in ["batch_size=32,32", "batch_size=full,full,full", "label=a,a&epochs=3,3"]:
        runs = parse(query)
        assert len(parse(to_query(runs))) == len(runs) > 1


def test_a_comma_inside_a_label_is_escaped_not_a_new_run():
    runs = parse("label=a%2Cb,c&batch_size=1,2")
    assert [r.label for r in runs] == ["a,b", "c"]
    query = to_query(runs)
    assert "label=a%2Cb,c" in query and parse(query) == runs
    assert len(parse(to_query(parse("label=x%2Cy")))) == 1


def test_split_query_decodes_items_after_splitting():
    assert split_query("a=1,2&b=x%2Cy+z&&c") == [("a", ["1", "2"]), ("b", ["x,y z"]), ("c", [""])]


def test_values_are_written_in_their_shortest_form():
    assert [value_text(v) for v in (0.1, 1.0, 1e-05, 20, True, None, "full")] == ["0.1", "1", "1e-05", "20", "true", "", "full"]


def test_page_only_keys_of_the_contract_never_fail():
    for key in ("x=epochs", "logx=true", "logy=true", "smooth=0.6", "lesson=batch_size", "predict=true"):
        assert parse(key) == [RunConfig()]


BROADCASTING = cases.load("broadcasting")


@pytest.mark.parametrize("case", [c for c in BROADCASTING if "runs" in c], ids=cases.about)
def test_lists_broadcast_as_the_page_reads_them(case):
    """tests/cases/broadcasting.json, also run against query.js parseQuery (tests/js/query.test.mjs)."""
    runs = parse_comparison(case["query"])
    assert [{key: value_text(getattr(run, key)) for key in want} for run, want in zip(runs, case["runs"])] == case["runs"]
    assert len(runs) == len(case["runs"])
