import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.support.servers import LiveServer, serve


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
