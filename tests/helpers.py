"""Helpers of the tests. Engine configurations for tests and benchmarks, built the way the app
builds them: through the one schema (``RunConfig``), so defaults and bounds are never repeated."""
import time

from app.engine import TrainConfig
from app.schemas import RunConfig


def train_config(**keys) -> TrainConfig:
    """``batch_size=None`` means full batch; ``hidden`` may be a tuple of sizes."""
    if "batch_size" in keys and keys["batch_size"] is None:
        keys["batch_size"] = "full"
    if isinstance(keys.get("hidden"), tuple):
        keys["hidden"] = "x".join(map(str, keys["hidden"]))
    return RunConfig(**keys).train_config()


def run_async(scenario):
    """``asyncio.run(scenario())`` in a thread of its own: the session's Playwright browser keeps
    an event loop running in the main thread, where asyncio.run is refused."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def wait_until(condition, guard=30.0):
    """Wait for a condition; the guard only keeps a broken test from hanging (no figure asserted)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.01)


def app_process(workers: int = 1, env: dict | None = None, log_level: str = "warning"):
    """``python -m app.server`` on a free port of 127.0.0.1, as the image runs it: (Popen, url)
    once it answers /healthz. ``env`` adds GDV_* settings. The caller stops it."""
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app.server", "--port", str(port), "--workers", str(workers),
                             "--log-level", log_level], cwd=Path(__file__).resolve().parents[1],
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return proc, url
        except httpx.TransportError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server did not start")
