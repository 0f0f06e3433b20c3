"""The fleet end to end: uvicorn processes on free ports naming one real redis-server
(GDV_REDIS_URL), read over real SSE. Counters come from each worker's /metrics."""
import os
import re
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port
from tests.support.waiting import wait_until
from tests.support.redis_server import RedisServer
from tests.support.sse import iter_events, losses_by_run

ROOT = Path(__file__).resolve().parents[2]
SMALL = "dataset=moons&n_samples=400&epochs=3&batch_size=full,1,32"
LONG = "dataset=linear&n_samples=100000&epochs=6&batch_size=1"  # 600,000 updates: about a second
# a million updates: still training when a follower elsewhere, lagging on a loaded machine, has seen 20,000
LONGER = "dataset=linear&n_samples=100000&epochs=10&batch_size=1"


class Worker:
    """One app process (uvicorn, one worker) in the fleet of ``redis_url``."""

    def __init__(self, redis_url: str | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "GDV_TRAINING_SLOTS": "2", "GDV_FLEET_LEASE_SECONDS": "2",
               "GDV_STREAM_STARTS_PER_MINUTE": "100000", "GDV_STREAM_BURST": "100000"}
        env.pop("GDV_REDIS_URL", None)
        if redis_url:
            env["GDV_REDIS_URL"] = redis_url
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                                      "--port", str(self.port), "--no-access-log", "--log-level", "warning"],
                                     cwd=ROOT, env=env, stderr=subprocess.DEVNULL)

    def health(self) -> dict | None:
        try:
            return httpx.get(self.url + "/healthz", timeout=2).json()
        except httpx.TransportError:
            assert self.proc.poll() is None, "the worker exited"
            return None

    def wait_redis(self, state: str) -> None:
        wait_until(lambda: (self.health() or {}).get("redis") == state, guard=60)

    def counter(self, name: str) -> float:
        text = httpx.get(self.url + "/metrics", timeout=5).text
        return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)


def stream(worker: Worker, query: str, last_id: str | None = None, until=None, once=None) -> list:
    """A stream's events to its end (or until ``until(event)`` holds); ``once``: (condition,
    action), the action done once, on the first event meeting the condition, while reading on."""
    headers = {"Last-Event-ID": last_id} if last_id else {}
    events = []
    with httpx.Client(timeout=60) as http, http.stream("GET", f"{worker.url}/api/stream?{query}", headers=headers) as r:
        assert r.status_code == 200
        for ev in iter_events(r.iter_lines()):
            events.append(ev)
            if once is not None and once[0](ev):
                once[1]()
                once = None
            if until is not None and until(ev):
                break
    return events


def summary(worker: Worker, query: str) -> list:
    """A whole stream's events but its points (cheap to read: a long run's losses are megabytes)."""
    def no_points(lines):
        block = []
        for line in lines:
            block.append(line)
            if line.rstrip("\r") == "":
                if not any(b.startswith("event: points") for b in block):
                    yield from block
                block = []

    with httpx.Client(timeout=60) as http, http.stream("GET", f"{worker.url}/api/stream?{query}") as r:
        return list(iter_events(no_points(r.iter_lines())))


def cut_short(worker: Worker, query: str) -> None:
    """A stream whose worker dies under it."""
    try:
        stream(worker, query)
    except httpx.HTTPError:
        pass


def past(update: int):
    return lambda ev: ev.event == "points" and ev.data["first_update"] > update


def complete(events, updates: int) -> dict:
    """Every update of run 0 exactly once, in order (losses_by_run checks), then the end."""
    assert events[-1].event == "end"
    losses = losses_by_run(events)
    assert len(losses[0]) == updates
    return losses


@pytest.fixture(scope="module")
def redis_fleet():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pair(redis_fleet):
    workers = [Worker(redis_fleet.url), Worker(redis_fleet.url)]
    for worker in workers:
        worker.wait_redis("up")
    yield workers
    for worker in workers:
        worker.stop()


def started(*workers: Worker) -> float:
    return sum(w.counter("gdv_runs_started_total") for w in workers)


def test_a_finished_run_is_the_same_json_on_every_worker(redis_fleet, pair):
    a, b = pair
    first = httpx.get(f"{a.url}/api/history?{SMALL}", timeout=60).json()
    hits, before = b.counter("gdv_fleet_cache_hits_total"), b.counter("gdv_runs_started_total")
    with redis_fleet.client() as client:  # stored once a's publisher has seen the runs end
        wait_until(lambda: len(client.keys("gdv:run:*")) >= 3)
    assert httpx.get(f"{b.url}/api/history?{SMALL}", timeout=60).json() == first
    assert b.counter("gdv_runs_started_total") == before  # served, not trained again
    assert b.counter("gdv_fleet_cache_hits_total") == hits + 3
    assert all(run["seconds"] > 0 for run in first["runs"])


def test_twenty_streams_over_two_workers_train_each_run_once(pair):
    query = SMALL.replace("epochs=3", "epochs=4")
    before = started(*pair)
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: stream(pair[i % 2], query), range(20)))
    assert started(*pair) - before == 3
    reference = losses_by_run(results[0])
    for events in results:
        assert events[-1].event == "end" and losses_by_run(events) == reference


def test_a_stream_follows_live_and_resumes_on_the_worker_not_training(pair):
    a, b = pair
    before_b, hits_b = b.counter("gdv_runs_started_total"), b.counter("gdv_fleet_cache_hits_total")
    query = LONG
    with ThreadPoolExecutor(2) as pool:
        whole = pool.submit(stream, a, query)  # keeps the run training on a
        part = stream(a, query, until=past(20_000))
        followed = pool.submit(stream, b, query)
        resumed = part + stream(b, query, last_id=part[-1].id)  # a reconnect that lands on b
        reference = complete(whole.result(), 600_000)
        assert complete(followed.result(), 600_000) == reference
    assert complete(resumed, 600_000) == reference
    assert b.counter("gdv_runs_started_total") == before_b  # followed, not trained
    assert b.counter("gdv_fleet_cache_hits_total") == hits_b  # live, not from the finished store


def test_redis_stopped_mid_stream_and_restarted(redis_fleet, pair):
    a, b = pair
    query = LONGER + "&seed=3"
    errors = b.counter("gdv_redis_errors_total")
    with ThreadPoolExecutor(1) as pool:
        trained = pool.submit(summary, a, query)
        wait_until(lambda: a.health()["active_runs"] == 1)
        followed = stream(b, query, once=(past(20_000), redis_fleet.stop))
        assert b.health()["redis"] == "down" and b.counter("gdv_redis_errors_total") > errors
        complete(followed, 1_000_000)
        evals = [ev.data for ev in trained.result() if ev.event in ("eval", "done")]
        assert trained.result()[-1].event == "end" and evals[-1]["updates"] == 1_000_000
        assert [ev.data for ev in followed if ev.event == "eval"] == evals[:-1]  # the same numbers
    redis_fleet.start()
    a.wait_redis("up")
    b.wait_redis("up")
    before = started(a, b)
    with ThreadPoolExecutor(2) as pool:  # one fleet again
        list(pool.map(lambda w: stream(w, SMALL.replace("epochs=3", "epochs=5")), (a, b)))
    assert started(a, b) - before == 3


def test_the_training_worker_killed_mid_run_is_taken_over(pair):
    """Last of the pair's tests: the first worker does not survive it."""
    doomed, b = pair
    before = b.counter("gdv_runs_started_total")
    query = LONGER + "&seed=1"
    gone = threading.Thread(target=cut_short, args=(doomed, query), daemon=True)
    gone.start()
    wait_until(lambda: doomed.health()["active_runs"] == 1)
    # no goodbye: its lease expires, b trains the run from the start and adds what is new
    complete(stream(b, query, once=(past(20_000), lambda: doomed.stop(signal.SIGKILL))), 1_000_000)
    assert b.counter("gdv_runs_started_total") == before + 1
    gone.join(10)


def test_without_redis_the_app_is_one_process_and_never_loads_redis_py():
    code = ("import sys; from fastapi.testclient import TestClient; from app.main import create_app\n"
            "with TestClient(create_app()) as c: h = c.get('/healthz').json(); m = c.get('/metrics').text\n"
            "print(h['redis'], 'redis' in sys.modules, 'gdv_redis_errors_total 0.0' in m)")
    env = {k: v for k, v in os.environ.items() if k != "GDV_REDIS_URL"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["off", "False", "True"]
