"""What the benchmarks share; they import the app, never the tests.

Configurations come from link keys through the one schema (``batch_size="full"``,
``hidden="16x16"``), as the app parses a link; a server is a real uvicorn in a subprocess.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


from app.engine import TrainConfig
from app.schemas import RunConfig
from app.server import spawn

ROOT = Path(__file__).resolve().parents[1]


def train_config(**keys) -> TrainConfig:
    return RunConfig(**keys).train_config()


def start_server(workers: int = 1, **env: str) -> tuple[subprocess.Popen, str]:
    """``python -m app.server`` (as the image runs it) on a free local port, with ``GDV_*``
    settings in ``env``: (Popen, url) once it answers /healthz. The caller stops it."""
    return spawn(workers, env)
