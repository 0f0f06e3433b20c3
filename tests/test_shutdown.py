"""A replica being stopped (SIGTERM) ends every open stream cleanly: a `retry:` hint, then the
chunked body's proper end, within the grace period; the browser's reconnect with Last-Event-ID
resumes on another server. Real uvicorn processes (`python -m app.server`, two workers as in
the image)."""
import asyncio
import signal
import subprocess
import time

import httpx

from app.streaming import Cursor
from tests.helpers import app_process, run_async
from tests.sse import iter_events

GRACE = 3
# full-batch updates over 100000 examples of a 256x256 MLP: seconds of training, so every
# stream is still open when the server is told to stop
LONG = "dataset=moons&n_samples=100000&batch_size=full&epochs=100&hidden=256x256"
STREAMS = 20


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    return app_process(workers, {"GDV_SHUTDOWN_GRACE_SECONDS": str(GRACE), "GDV_STREAM_RETRY_MS": "500"})


async def follow(client: httpx.AsyncClient, url: str, opened: asyncio.Queue) -> list[str]:
    """Read one stream to its end, line by line; report once its plan has arrived."""
    lines: list[str] = []
    async with client.stream("GET", f"{url}/api/stream?{LONG}") as r:
        assert r.status_code == 200
        async for line in r.aiter_lines():  # httpx raises if the chunked body is cut
            lines.append(line)
            if line == "event: plan":
                await opened.put(True)
    return lines


async def stop_with_streams_open(proc: subprocess.Popen, url: str) -> list[list[str]]:
    opened: asyncio.Queue = asyncio.Queue()
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=STREAMS)) as client:
        streams = [asyncio.ensure_future(follow(client, url, opened)) for _ in range(STREAMS)]
        for _ in range(STREAMS):
            await asyncio.wait_for(opened.get(), 60)
        proc.send_signal(signal.SIGTERM)
        return await asyncio.gather(*streams)


def test_sigterm_ends_open_streams_cleanly_and_they_resume_elsewhere():
    proc, url = start_server(workers=2)
    try:
        results = run_async(lambda: stop_with_streams_open(proc, url))
        stopped = time.monotonic()
        proc.wait(GRACE + 5)  # uvicorn's own limit is GRACE + 1 s; this is only a guard
        waited = time.monotonic() - stopped
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and waited < GRACE + 5
    for lines in results:
        assert any(line.startswith("retry: ") for line in lines), lines[-5:]
        assert "event: end" not in lines  # cut short by the stop, not finished
    # the browser reconnects with the last id it saw, here to a fresh server
    events = list(iter_events(results[0]))
    last = events[-1].id
    sent = Cursor.parse(last, 1).runs[0].updates
    new, new_url = start_server(workers=1)
    try:
        with httpx.stream("GET", f"{new_url}/api/stream?{LONG}", headers={"Last-Event-ID": last}, timeout=60) as r:
            resumed = next(ev for ev in iter_events(r.iter_lines()) if ev.event == "points")
        assert resumed.data["first_update"] == sent + 1
    finally:
        new.terminate()
        new.wait(GRACE + 5)
