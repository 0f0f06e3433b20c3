"""The container and scale-out files keep their promises (no Docker engine runs here to build them)."""
import re
import time
from pathlib import Path

import httpx

from tests.support.nginx import nginx_in_front_of
from tests.support.sse import iter_events, losses_by_run
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_is_multi_stage_non_root_with_healthcheck_and_workers():
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2 and " AS build" in text
    assert re.search(r"^USER app$", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "WEB_CONCURRENCY" in text  # uvicorn's worker count
    assert "COPY --from=build" in text
    for folder in ("app", "templates", "static"):
        assert f"COPY {folder} " in text


def test_compose_runs_a_fleet_behind_nginx_with_sse_unbuffered():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "replicas:" in compose and "nginx" in compose and "GDV_TRUST_FORWARDED_FOR" in compose
    assert "image: redis:7-alpine" in compose and 'GDV_REDIS_URL: "redis://redis:6379/0"' in compose
    assert '"--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru", "--save", ""' in compose
    grace = float(re.search(r'GDV_SHUTDOWN_GRACE_SECONDS: "([\d.]+)"', compose).group(1))
    assert float(re.search(r"stop_grace_period: (\d+)s", compose).group(1)) > grace + 1  # uvicorn's own limit
    # nginx starts once the replicas pass their health check (else 502 "no live upstreams" for a
    # while after they are up: deploy/check_compose.sh, the compose file run for real)
    assert re.search(r"nginx:.*depends_on:\s+app:\s+condition: service_healthy", compose, re.S)
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_buffering off" in nginx and re.search(r"^\s*least_conn;", nginx, re.M)
    assert "hash $args" not in nginx and "X-Forwarded-For" in nginx and "client_header_timeout" in nginx


def test_nginx_config_proxies_streams_unbuffered_and_resumes(live_server, tmp_path):
    """The compose file's nginx config, pointed at two live app servers, passes SSE through as it
    comes, spreads streams open at once over both (least_conn) and resumes on either."""
    servers = [live_server(points_per_event=500) for _ in range(2)]
    for server in servers:  # kernels loaded first: their loading is not what the timing below judges
        assert httpx.get(f"{server.url}/api/history?n_samples=10&epochs=1&batch_size=1", timeout=60).status_code == 200
    with nginx_in_front_of([server.port for server in servers], tmp_path) as url:
        # long enough that the compiled engine is still training when the first events arrive
        query = "batch_size=1&n_samples=100000&epochs=3"
        events, arrivals = [], []
        start = time.monotonic()
        with httpx.stream("GET", f"{url}/api/stream?{query}", timeout=60) as r:
            assert r.status_code == 200 and "frame-ancestors 'self'" in r.headers["content-security-policy"]
            for ev in iter_events(r.iter_lines()):
                events.append(ev)
                arrivals.append(time.monotonic() - start)
                if ev.event == "points" and ev.data["first_update"] > 200000:
                    break
        # unbuffered: the first events arrived well before the stream was half done
        assert arrivals[1] < arrivals[-1] / 2
        with httpx.stream("GET", f"{url}/api/stream?{query}", headers={"Last-Event-ID": events[-1].id}, timeout=60) as r:
            events += list(iter_events(r.iter_lines()))
        assert len(losses_by_run(events)[0]) == 300000 and events[-1].event == "end"
        assert httpx.get(f"{url}/api/plan?{query}", headers={"Content-Length": "0"}).status_code == 200
        # link previews name nginx's address (host and port), not the app's
        assert f'property="og:url" content="{url}/?' in httpx.get(f"{url}/?batch_size=1").text
        # two streams of one link open at once land on the two servers (hashing the link would not)
        before = [server.service.stats.streams for server in servers]
        with httpx.stream("GET", f"{url}/api/stream?{query}", timeout=60) as one, \
                httpx.stream("GET", f"{url}/api/stream?{query}", timeout=60) as two:
            for r in (one, two):
                next(iter_events(r.iter_lines()))
        wait_until(lambda: all(server.service.stats.streams > n for server, n in zip(servers, before)))
