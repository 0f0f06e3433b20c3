"""ETag and Cache-Control on the deterministic answers (app/api/caching.py): 304 on If-None-Match
before anything is computed, one tag per comparison however it is spelled."""
import pytest

QUERY = "dataset=linear&n_samples=200&epochs=2&batch_size=full,1,50"
PATHS = ["/api/plan", "/api/dataset", "/api/landscape", "/api/history", "/api/history?format=csv"]


def url(path: str, query: str = QUERY) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


@pytest.mark.parametrize("path", PATHS)
def test_deterministic_answers_carry_an_etag_and_a_304_on_if_none_match(client, path):
    r = client.get(url(path))
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=3600"
    etag = r.headers["etag"]
    assert etag.startswith('W/"' if path.startswith("/api/history") else '"')
    again = client.get(url(path), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "public, max-age=3600"
    # the tag the client kept names the compressed representation; the bare tag matches too
    bare = client.get(url(path), headers={"If-None-Match": again.headers["etag"], "Accept-Encoding": "identity"})
    assert bare.status_code == 304
    assert client.get(url(path), headers={"If-None-Match": '"something else"'}).status_code == 200


def test_one_tag_per_comparison_and_endpoint(client):
    def tag(path, query=QUERY):
        return client.get(url(path, query), headers={"Accept-Encoding": "identity"}).headers["etag"]

    # the same comparison spelled differently (order, defaults, page-only keys) shares its tag
    respelled = "batch_size=full,1,50&epochs=2&n_samples=200&learning_rate=0.01&lang=ja"
    assert tag("/api/plan", respelled) == tag("/api/plan")
    assert tag("/api/plan", QUERY + "&seed=1") != tag("/api/plan")
    tags = {tag(path) for path in PATHS}
    assert len(tags) == len(PATHS)  # JSON and CSV of one history are two representations


def test_plan_answers_are_byte_for_byte_what_the_strong_tag_promises(make_client):
    one, other = make_client(), make_client()
    a = one.get(url("/api/plan"), headers={"Accept-Encoding": "identity"})
    b = other.get(url("/api/plan"), headers={"Accept-Encoding": "identity"})
    assert a.headers["etag"] == b.headers["etag"] and a.content == b.content


def test_a_304_comes_before_the_work(make_client):
    """A second replica (no cache of its own) answers a client that holds the history with a 304,
    without training it or reading its cache."""
    fresh = make_client().get(url("/api/history"))
    other = make_client()
    stats = other.app.state.service.stats
    again = other.get(url("/api/history"), headers={"If-None-Match": fresh.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"].strip("W/").strip('"') in fresh.headers["etag"]
    assert stats.runs_started == 0 and stats.cache_hits == 0
    assert other.get(url("/api/history")).status_code == 200 and stats.runs_started == 3


def test_refusals_are_not_cached(client):
    r = client.get("/api/plan?batch_size=0")
    assert r.status_code == 422 and "etag" not in r.headers and "public" not in r.headers.get("cache-control", "")


def test_an_answer_not_to_keep_is_no_store():
    from starlette.responses import Response

    from app.api.caching import Validator

    kept = Validator('"t"')(Response("x"))
    assert kept.headers["etag"] == '"t"' and kept.headers["cache-control"] == "public, max-age=3600"
    failed = Validator('"t"')(Response("x"), keep=False)  # a history with a failed run
    assert failed.headers["cache-control"] == "no-store" and "etag" not in failed.headers
