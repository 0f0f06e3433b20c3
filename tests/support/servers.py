"""Real servers for tests: the app on a real uvicorn in a thread, on a free local port."""
import socket
import threading
import time

import uvicorn

from app.server import server_options


class LiveServer:
    def __init__(self, app, port):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"

    @property
    def service(self):
        return self.app.state.service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app) -> tuple[uvicorn.Server, threading.Thread, int]:
    """Run an ASGI app on a real uvicorn on 127.0.0.1 in a thread, configured as app.server runs it."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **server_options(app.state.settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    return server, thread, port


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
                             "--log-level", log_level], cwd=Path(__file__).resolve().parents[2],
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
