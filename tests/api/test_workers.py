"""Two uvicorn workers: a reconnect with Last-Event-ID resumes even on the other worker."""
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port
from tests.support.sse import iter_events, losses_by_run

ROOT = Path(__file__).resolve().parents[2]
QUERY = "batch_size=1,50&n_samples=5000&epochs=4&validation_split=0.2"


@pytest.fixture
def two_workers():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", "2", "--no-access-log", "--log-level", "warning"],
                            cwd=ROOT, env={**os.environ, "GDV_TRAINING_SLOTS": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            httpx.get(url + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert time.time() < deadline, "uvicorn workers did not start"
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_resume_lands_on_the_other_worker(two_workers):
    url = two_workers
    events = []
    with httpx.Client(timeout=60) as http:
        with http.stream("GET", f"{url}/api/stream?{QUERY}") as r:
            first_worker = r.headers["x-worker"]
            reader = iter_events(r.iter_lines())
            for ev in reader:
                events.append(ev)
                if ev.event == "points" and ev.data["run"] == 0 and ev.data["first_update"] > 2000:
                    break
    last_id = events[-1].id
    # new connections until the kernel hands one to the other worker
    for _ in range(60):
        with httpx.Client(timeout=60) as http:
            with http.stream("GET", f"{url}/api/stream?{QUERY}", headers={"Last-Event-ID": last_id}) as r:
                if r.headers["x-worker"] == first_worker:
                    continue
                events += list(iter_events(r.iter_lines()))
                break
    else:
        pytest.fail("every reconnect landed on the first worker")
    assert events[-1].event == "end"
    losses = losses_by_run(events)
    history = httpx.get(f"{url}/api/history?{QUERY}", timeout=60).json()
    for i, run in enumerate(history["runs"]):
        assert [losses[i][k + 1] for k in range(len(run["loss"]))] == run["loss"]
