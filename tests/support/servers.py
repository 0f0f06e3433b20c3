"""Real servers for tests: the app on a real uvicorn in a thread, on a free local port."""
import socket
import threading
import time

import uvicorn

from app.server import server_options, spawn


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
    """``python -m app.server`` on a free port, as the image runs it: (Popen, url)."""
    return spawn(workers, env, log_level)
