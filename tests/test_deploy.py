"""The container and scale-out files keep their promises (no Docker engine runs here to build them)."""
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port
from tests.support.sse import iter_events, losses_by_run

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


def test_compose_runs_replicas_behind_nginx_with_sse_unbuffered():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "replicas:" in compose and "nginx" in compose and "GDV_TRUST_FORWARDED_FOR" in compose
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_buffering off" in nginx and "hash $args consistent" in nginx
    assert "X-Forwarded-For" in nginx


def start_nginx(app_port: int, tmp_path: Path):
    """Debian's nginx with the compose file's site config pointed at a live app: (process, url)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server app:8000", f"server 127.0.0.1:{app_port}").replace("listen 80;", f"listen 127.0.0.1:{port};")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    temps = "\n".join(f"{n}_temp_path {tmp_path / n};" for n in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; master_process off; pid {tmp_path}/nginx.pid; error_log stderr warn;\n"
        f"events {{}}\nhttp {{ access_log off; {temps}\n{site}\n}}\n")
    proc = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return proc, url


def test_nginx_config_proxies_streams_unbuffered_and_resumes(live_server, tmp_path):
    """The compose file's nginx config, pointed at a live app, passes SSE through as it comes."""
    server = live_server(points_per_event=500)
    proc, url = start_nginx(server.port, tmp_path)
    try:
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
    finally:
        proc.terminate()
        proc.wait(10)
