"""The fleet's tests' redis-servers (tests/support/redis_server.py) as fixtures."""
import shutil

import pytest

from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="Debian's redis-server is not installed")


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
