"""Security headers, request size limits and the JSON access log (GuardMiddleware)."""
import pytest


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
