"""Health, metrics, security headers, size limits and rate limiting."""
import re

import pytest

from app.ratelimit import RateLimiter
from tests.api.test_runs import read_stream


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["training_slots_free"] >= 1


def metric(text, name, labels=""):
    match = re.search(rf"^{name}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    return float(match[1]) if match else None


def test_metrics_count_runs_cache_hits_rejections_and_stream_time(client):
    read_stream(client, "batch_size=full,1&epochs=2&n_samples=100")
    read_stream(client, "batch_size=full,1&epochs=2&n_samples=100")
    read_stream(client, "batch_size=full&epochs=100&learning_rate=10")
    client.get("/api/plan?epochs=0")
    text = client.get("/metrics").text
    assert metric(text, "gdv_runs_started_total") == 3
    assert metric(text, "gdv_runs_finished_total", '{status="completed"}') == 2
    assert metric(text, "gdv_runs_finished_total", '{status="diverged"}') == 1
    assert metric(text, "gdv_cache_hits_total") == 2
    assert metric(text, "gdv_requests_rejected_total", '{reason="invalid"}') == 1
    assert metric(text, "gdv_streams_total") == 3 and metric(text, "gdv_stream_seconds_total") > 0


@pytest.mark.parametrize("path", ["/", "/api/plan?batch_size=1", "/static/js/main.js", "/healthz"])
def test_security_headers_everywhere_and_framing_only_for_embed(client, path):
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "SAMEORIGIN"
    embed = client.get("/embed")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "script-src 'self'" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers


def test_request_size_limits(make_client):
    client = make_client(max_query_bytes=200)
    r = client.get("/api/plan?label=" + "x" * 300)
    assert r.status_code == 414 and "max_query_bytes" in r.json()["detail"]
    r = client.request("GET", "/api/plan", content=b"x" * 5000)
    assert r.status_code == 413 and "max_body_bytes" in r.json()["detail"]


def test_stream_starts_are_rate_limited_per_client(make_client):
    client = make_client(stream_burst=2, stream_starts_per_minute=1)
    for _ in range(2):
        read_stream(client, "batch_size=full&epochs=1&n_samples=10")
    r = client.get("/api/stream?batch_size=full&epochs=1&n_samples=10")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert client.get("/api/plan?batch_size=full").status_code == 200  # only stream starts count
    assert 'reason="rate_limit"' in client.get("/metrics").text


def test_rate_limiter_refills_and_forgets_old_clients():
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=2)
    assert limiter.allow("a", now=0) == 0 and limiter.allow("a", now=0) == 0
    assert limiter.allow("a", now=0) == pytest.approx(1.0)
    assert limiter.allow("a", now=1.0) == 0
    limiter.allow("b", now=1)
    limiter.allow("c", now=1)
    assert "a" not in limiter.buckets and len(limiter.buckets) == 2


def test_access_log_is_one_json_object_per_request(client, caplog):
    import json
    import logging

    log = logging.getLogger("gdv.access")
    log.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="gdv.access"):
            client.get("/api/plan?batch_size=1")
    finally:
        log.propagate = False
    entry = json.loads(caplog.records[-1].getMessage())
    assert entry["path"] == "/api/plan" and entry["status"] == 200 and entry["method"] == "GET"


@pytest.mark.parametrize("query", ["", "dataset=digits", "dataset=moons&model=mlp&hidden=8x4",
                                   "dataset=digits&model=mlp&hidden=16x16&batch_norm=true"])
def test_limit_parameter_count_matches_the_built_model(query):
    from urllib.parse import parse_qsl

    import numpy as np

    from app.engine.models import build_model
    from app.runs import n_params
    from app.schemas import parse_comparison

    cfg = parse_comparison(parse_qsl(query))[0].train_config()
    data = cfg.make_data()
    model = build_model(cfg.resolved_model, data.X_train.shape[1], data.n_outputs, np.random.default_rng(0),
                        hidden=cfg.hidden, activation=cfg.activation, batch_norm=cfg.batch_norm)
    assert n_params(cfg) == model.n_params
