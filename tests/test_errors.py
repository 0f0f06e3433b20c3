"""Every refusal has one shape: loc names the key, msg says what is allowed."""
from app.errors import KeyProblem, QueryError, problem


def test_a_query_error_body_lists_each_problem():
    err = QueryError([problem("epochs", "0", "epochs='0': allowed: a whole number >= 1"),
                      problem("seed", "x", "seed='x': a whole number")])
    assert err.body() == {"detail": err.errors} and str(err).startswith("epochs='0'")
    assert err.errors[0] == {"loc": ["query", "epochs"], "msg": "epochs='0': allowed: a whole number >= 1",
                             "type": "value_error", "input": "0"}


def test_one_problem_in_a_header():
    err = QueryError.one("Last-Event-ID", "x", "not an id", where="header")
    assert err.errors[0]["loc"] == ["header", "Last-Event-ID"]


def test_a_key_problem_keeps_the_key_it_is_about():
    exc = KeyProblem("patience", 3, "set validation_split above 0")
    assert (exc.key, exc.value, str(exc)) == ("patience", 3, "set validation_split above 0")
