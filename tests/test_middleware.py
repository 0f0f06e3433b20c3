"""Security headers, request size limits and the JSON access log (GuardMiddleware); compression
of every text answer and of the stream (CompressionMiddleware), also through the compose nginx."""
import gzip
import time
import zlib

import brotli
import httpx
import pytest

from app.lessons import DEFAULT_QUERY
from tests.support.nginx import nginx_in_front_of
from tests.support.sse import iter_events, losses_by_run


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


# --- compression (CompressionMiddleware, app/compression.py) ---

SMALL = "dataset=linear&n_samples=200&epochs=2&batch_size=full,1"
TEXT = {  # every text type the app answers with
    "/": "text/html", "/embed": "text/html", "/api/schema": "application/json",
    f"/api/history?{SMALL}": "application/json", f"/api/history?{SMALL}&format=csv": "text/csv",
    f"/api/code?{SMALL}": "text/x-python", "/static/js/chart.js": "text/javascript",
    "/static/css/app.css": "text/css", "/vendor/plotly.min.js": "text/javascript",
}


def raw(client, path, coding):
    """The body as sent (httpx would decode it), with its headers."""
    with client.stream("GET", path, headers={"Accept-Encoding": coding}) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize("path", list(TEXT))
def test_every_text_answer_is_compressed_and_decodes_to_the_same_bytes(client, path):
    client.app.state.assets.warm()  # static files' brotli is made at start-up, in the background
    plain, body = raw(client, path, "identity")
    assert plain.headers["content-type"].startswith(TEXT[path]) and "content-encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["vary"]
    zipped, zbody = raw(client, path, "gzip")
    assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    assert gzip.decompress(zbody) == body and len(zbody) < len(body)
    br, bbody = raw(client, path, "gzip, deflate, br")
    assert br.headers["content-encoding"] == "br" and brotli.decompress(bbody) == body
    assert int(br.headers["content-length"]) == len(bbody)


def test_small_answers_go_as_they_are_and_q0_is_respected(client):
    r, body = raw(client, "/api/plan?batch_size=1", "gzip")
    assert len(body) < 1024 and "content-encoding" not in r.headers and r.headers["vary"] == "Accept-Encoding"
    r, _ = raw(client, f"/api/history?{SMALL}", "br;q=0, gzip;q=0.5")
    assert r.headers["content-encoding"] == "gzip"
    r, _ = raw(client, "/metrics", "gzip")  # Prometheus text: text, compressed if big enough
    assert r.status_code == 200


def test_a_stream_is_compressed_and_decodes_to_the_same_events(client):
    def losses(body: bytes):
        events = list(iter_events(body.decode().split("\n")))
        assert events[-1].event == "end"
        return losses_by_run(events)

    query = "/api/stream?dataset=linear&n_samples=3000&epochs=2&batch_size=full,1"
    plain = losses(client.get(query, headers={"Accept-Encoding": "identity"}).content)
    for coding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        r, body = raw(client, query, coding)
        assert r.status_code == 200, body[:300]
        assert r.headers["content-encoding"] == coding and "content-length" not in r.headers
        assert losses(decode(body)) == plain and len(plain[1]) == 6000


def test_through_nginx_the_stream_stays_compressed_and_every_chunk_arrives_at_once(live_server, tmp_path):
    server = live_server(points_per_event=500)
    with nginx_in_front_of([server.port], tmp_path) as url:
        # long enough that the compiled engine is still training when the first events arrive
        query = "batch_size=1&n_samples=100000&epochs=3"
        arrivals, events = [], []
        start = time.monotonic()
        with httpx.stream("GET", f"{url}/api/stream?{query}", headers={"Accept-Encoding": "gzip"}, timeout=60) as r:
            assert r.headers["content-encoding"] == "gzip" and r.headers["content-type"].startswith("text/event-stream")
            for ev in iter_events(r.iter_lines()):  # httpx decodes gzip as the chunks come
                events.append(ev)
                arrivals.append(time.monotonic() - start)
        # flushed: the plan and first points arrived well before the stream was half done
        assert arrivals[1] < arrivals[-1] / 2 and events[-1].event == "end"
        assert len(losses_by_run(events)[0]) == 300000
        # nginx compresses what the app sends uncompressed (a client that takes only gzip)
        for path in ("/static/js/chart.js", "/api/schema"):
            r = httpx.get(url + path, headers={"Accept-Encoding": "gzip"})
            assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]


def test_event_streams_prefer_gzip_and_share_its_compression(client):
    """A browser takes br and gzip: streams get gzip, whose pieces are compressed once for every
    stream sending them, so two streams of one finished link are byte-identical gzip members."""
    query = "/api/stream?dataset=linear&n_samples=3000&epochs=2&batch_size=full,1"
    client.get(query)  # trained: the next streams are catch-ups of the cached runs
    plain = client.get(query, headers={"Accept-Encoding": "identity"}).content
    bodies = []
    for _ in range(2):
        r, body = raw(client, query, "gzip, deflate, br, zstd")
        assert r.headers["content-encoding"] == "gzip"
        decoder = zlib.decompressobj(31)
        assert decoder.decompress(body) == plain and decoder.eof and not decoder.unused_data
        bodies.append(body)
    assert bodies[0] == bodies[1]
    r, _ = raw(client, "/api/schema", "gzip, deflate, br")
    assert r.headers["content-encoding"] == "br"  # whole answers keep brotli


def test_head_answers_as_get_with_no_body_wherever_get_is_served(live_server):
    """Real requests to a real uvicorn (link checkers and unfurlers send HEAD): the same status
    and headers as GET, compressed alike, and no body."""
    server = live_server()
    with httpx.Client(base_url=server.url, timeout=60, headers={"Accept-Encoding": "br, gzip"}) as http:
        page = http.get("/?lang=ja").text
        script = page.split('<script type="module" src="')[1].split('"')[0]  # a hashed static URL
        picture = f"/api/picture?{DEFAULT_QUERY}&lang=ja"
        for path in ["/?lang=ja", "/embed?batch_size=1", f"/oembed?url=http://127.0.0.1:{server.port}/", picture,
                     script, "/static/js/main.js", "/api/plan?batch_size=1", "/healthz", "/nowhere", "/api/plan?batch_size=0"]:
            get, head = http.get(path), http.head(path)
            assert head.status_code == get.status_code and head.content == b"", path
            # content-length and content-encoding included: the GET's compressed body
            same = {name: value for name, value in get.headers.items() if name not in ("date", "server-timing")}
            assert {name: head.headers.get(name) for name in same} == same, path
        tag = http.head(picture).headers["etag"]
        assert http.head(picture, headers={"If-None-Match": tag}).status_code == 304


def test_head_of_a_stream_is_refused_and_trains_nothing(live_server):
    server = live_server()
    r = httpx.head(f"{server.url}/api/stream?batch_size=1", timeout=30)
    assert r.status_code == 405 and r.headers["allow"] == "GET" and r.content == b""
    assert server.service.stats.runs_started == 0
