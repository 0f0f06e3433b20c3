"""Stream starts per client address."""
import pytest

from app.ratelimit import RateLimiter
from tests.support.sse import read_stream


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
