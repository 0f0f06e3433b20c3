"""What the benchmarks share; they import the app, never the tests.

Configurations come from link keys through the one schema (``batch_size="full"``,
``hidden="16x16"``), as the app parses a link; a server is a real uvicorn in a subprocess.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.engine import TrainConfig
from app.schemas import RunConfig

ROOT = Path(__file__).resolve().parents[1]


def train_config(**keys) -> TrainConfig:
    return RunConfig(**keys).train_config()


def start_server(workers: int = 1, **env: str) -> tuple[subprocess.Popen, str]:
    """``python -m app.server`` (as the image runs it) on a free local port, with ``GDV_*``
    settings in ``env``: (Popen, url) once it answers /healthz. The caller stops it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app.server", "--port", str(port), "--workers", str(workers),
                             "--log-level", "warning"], cwd=ROOT, env={**os.environ, **env})
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
    raise RuntimeError("server did not start")
