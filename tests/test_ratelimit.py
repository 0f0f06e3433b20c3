"""The per-address limit charges streams that start training, not streams that follow a run."""
import asyncio

import httpx
import pytest

from app.ratelimit import RateLimiter
from tests.support.sse import read_stream
from tests.support.waiting import run_async

ONE_LINK = "batch_size=full,1&epochs=2&n_samples=50"


def test_new_comparisons_are_rate_limited_per_client(make_client):
    client = make_client(stream_burst=2, stream_starts_per_minute=1)
    for seed in (1, 2):
        read_stream(client, f"batch_size=full&epochs=1&n_samples=10&seed={seed}")
    r = client.get("/api/stream?batch_size=full&epochs=1&n_samples=10&seed=3")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "new comparisons" in r.json()["detail"]
    assert client.get("/api/plan?batch_size=full").status_code == 200  # only training counts
    # a link already trained costs nothing, however often it is opened
    assert read_stream(client, "batch_size=full&epochs=1&n_samples=10&seed=1")[-1].event == "end"
    assert 'reason="rate_limit"' in client.get("/metrics").text


def test_a_history_is_charged_only_when_it_starts_training(make_client):
    """/api/history (and the verdict and picture that read finished runs) can start training:
    charged from the same bucket as a stream doing so, never for runs trained or training."""
    client = make_client(stream_burst=1, stream_starts_per_minute=1)
    new, other = "batch_size=1&epochs=2&n_samples=3000", "batch_size=1&epochs=2&n_samples=3000&seed=2"
    with client.stream("GET", f"/api/stream?{new}") as stream:  # the one token; still training or done
        next(stream.iter_lines())
        assert client.get(f"/api/history?{new}").status_code == 200
    for _ in range(3):
        assert client.get(f"/api/history?{new}").status_code == 200  # cached: free, however often
    r = client.get(f"/api/history?{other}")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert client.get(f"/api/stream?{other}").status_code == 429  # one bucket for both
    assert client.get(f"/api/verdict?lesson=batch_size&{other}").status_code == 429
    assert client.app.state.service.stats.runs_started == 1  # the one run, trained once


async def open_streams(url: str, queries: list[str], concurrency: int) -> list[tuple[int, bytes, dict]]:
    """Read each stream whole over real HTTP, ``concurrency`` at a time: (status, body, headers)."""
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        async def one(query: str):
            async with gate, client.stream("GET", f"/api/stream?{query}") as r:
                return r.status_code, await r.aread(), r.headers

        return await asyncio.gather(*(one(q) for q in queries))


def test_a_lecture_hall_behind_one_address_is_not_refused(live_server):
    """1,000 streams of one link from one address: one training, no refusal, every stream whole;
    the same address starting many different comparisons is still limited."""
    server = live_server(stream_burst=3, stream_starts_per_minute=1)
    results = run_async(lambda: open_streams(server.url, [ONE_LINK] * 1000, concurrency=50))
    assert [status for status, _, _ in results] == [200] * 1000
    assert all(body.rstrip().endswith(b"event: end\r\ndata: {}") for _, body, _ in results)
    assert server.service.stats.runs_started == 2  # the link's two runs, trained once

    different = [f"{ONE_LINK}&seed={seed}" for seed in range(1, 7)]
    results = run_async(lambda: open_streams(server.url, different, concurrency=1))
    statuses = [status for status, _, _ in results]
    assert statuses == [200, 200] + [429] * 4  # the burst of 3, one spent on the shared link
    assert all(int(headers["Retry-After"]) >= 1 for status, _, headers in results if status == 429)
    assert server.service.stats.rejected["rate_limit"] == 4


def test_rate_limiter_refills_and_forgets_old_clients():
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=2)
    assert limiter.allow("a", now=0) == 0 and limiter.allow("a", now=0) == 0
    assert limiter.allow("a", now=0) == pytest.approx(1.0)
    assert limiter.allow("a", now=1.0) == 0
    limiter.allow("b", now=1)
    limiter.allow("c", now=1)
    assert "a" not in limiter.buckets and len(limiter.buckets) == 2
