import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.main import create_app
from app.server import server_options
from app.settings import Settings


@pytest.fixture
def make_client():
    clients = []

    def make(**overrides):
        client = TestClient(create_app(Settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


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


@pytest.fixture
def live_server():
    """A real uvicorn on 127.0.0.1 in a thread; call with Settings overrides."""
    servers = []

    def start(**overrides):
        app = create_app(Settings(**overrides))
        server, thread, port = serve(app)
        servers.append((server, thread))
        return LiveServer(app, port)

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(5)
