"""Real redis-server processes on free ports (no persistence), for the fleet's tests."""
import shutil
import subprocess
import time

import pytest

from tests.support.servers import free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="Debian's redis-server is not installed")


class RedisServer:
    """One redis-server; ``stop`` and ``start`` again on the same port (an outage)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        import redis

        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.02)
        client.close()
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def client(self):
        import redis

        return redis.Redis(port=self.port)


@pytest.fixture(scope="session")
def shared_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(shared_redis):
    """The session's redis-server, emptied for this test."""
    with shared_redis.client() as client:
        client.flushall()
    return shared_redis


@pytest.fixture
def own_redis():
    """A redis-server of this test's own (it may be stopped and restarted)."""
    server = RedisServer().start()
    yield server
    server.stop()
