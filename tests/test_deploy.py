"""The container and scale-out files keep their promises (no Docker engine runs here to build them)."""
import re
from pathlib import Path

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
