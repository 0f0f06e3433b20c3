"""app/fleet/store.py against a real redis-server: one lease holder per run, chunks appended only
by it, counts read back, and failures that count, fail fast and heal with the server."""
import asyncio

import pytest

from app.engine import RunStatus
from app.fleet import codec
from app.fleet.store import FleetDown, Store, run_key
from app.services import RunRecord
from tests.support.configs import train_config
from tests.support.waiting import run_async


def test_the_key_is_the_normalized_configuration():
    assert run_key(train_config(epochs=3)) == run_key(train_config(epochs=3))
    assert run_key(train_config(epochs=3)) != run_key(train_config(epochs=4))
    assert len(run_key(train_config())) == 32


def chunk_bytes(n: int) -> bytes:
    rec = RunRecord(train_config())
    rec.status = RunStatus.RUNNING
    import numpy as np

    rec.add_updates(np.arange(n, dtype=float), np.full(n, np.nan))
    return codec.encode(codec.extract(rec, codec.Counts()))


def test_one_lease_holder_writes_the_live_stream(redis_server):
    async def scenario():
        a, b = Store(redis_server.url, 1.0, 0.4), Store(redis_server.url, 1.0, 0.4)
        await a.start()
        await b.start()
        assert (a.state, b.state) == ("up", "up") and a.me != b.me
        ta, tb, ta2 = a.token(), b.token(), a.token()
        assert await a.acquire("k", ta) and await a.acquire("k", ta)  # taken, then kept
        assert not await b.acquire("k", tb) and not await a.acquire("k", ta2)  # one writer, even within a worker
        assert await a.publish("k", ta, chunk_bytes(3)) == 0 and await b.publish("k", tb, chunk_bytes(3)) is None
        assert (await b.published("k")).updates == 3
        [(first_id, chunk)] = await b.read("k", b"0-0")
        assert chunk.end.updates == 3 and await b.read("k", first_id, block=False) == []
        await b.release("k", tb)  # not b's: nothing happens
        assert await b.leased("k")
        await a.release("k", ta)
        assert not await a.leased("k") and await b.acquire("k", tb)
        await asyncio.sleep(0.6)  # b never renews: the lease expires
        assert not await a.leased("k")
        await b.watch("k")
        assert await b.acquire("k", tb) and await b.publish("k", tb) == 1  # the lease holder learns who follows
        await b.unwatch("k")
        assert await b.publish("k", tb) == 0
        await a.keep("k", b"stored")
        assert await b.finished(["k", "other"]) == [b"stored", None]
        assert a.errors == b.errors == 0
        await a.close()
        await b.close()

    run_async(scenario)


def test_redis_gone_fails_fast_counts_and_heals(own_redis):
    async def scenario():
        store = Store(own_redis.url, 1.0, 0.4)
        await store.start()
        token = store.token()
        assert await store.acquire("k", token)
        own_redis.stop()
        with pytest.raises(FleetDown):
            await store.publish("k", token, b"")
        assert store.state == "down" and store.errors >= 1
        with pytest.raises(FleetDown):  # down: refused without touching the network
            await store.finished(["k"])
        own_redis.start()  # same port, empty (no persistence)
        while store.state != "up":
            await asyncio.sleep(0.02)
        assert not await store.leased("k") and await store.acquire("k", token)
        await store.close()

    run_async(scenario)


def test_an_unreachable_redis_at_start_is_down_then_up(own_redis):
    async def scenario():
        own_redis.stop()
        store = Store(own_redis.url, 0.5, 0.4)
        await store.start()
        assert store.state == "down" and store.errors == 1
        own_redis.start()
        while store.state != "up":
            await asyncio.sleep(0.02)
        await store.close()

    run_async(scenario)


def test_a_claim_answers_every_run_in_one_call(redis_server):
    """Finished runs come back whole; a free run's lease is taken (with what its live stream
    already holds, for a taken-over run); a run leased by another worker is followed."""
    async def scenario():
        a, b = Store(redis_server.url, 1.0, 5), Store(redis_server.url, 1.0, 5)
        await a.start()
        await b.start()
        await a.keep("done", b"stored")
        ta = a.token()
        assert await a.acquire("old", ta) and await a.publish("old", ta, chunk_bytes(3)) == 0
        await a.release("old", ta)  # its trainer left after 3 updates
        tb, tb2 = b.token(), b.token()
        answers = await b.claim(["done", "old", "new"], [b.token(), tb, tb2])
        assert answers[0] == ("finished", b"stored") and answers[1][0] == answers[2][0] == "leased"
        assert answers[1][1].updates == 3 and answers[2][1].updates == 0
        assert await a.claim(["new"], [a.token()]) == [("elsewhere", None)]
        assert await b.acquire("new", tb2)  # the claim's token holds it
        await a.close()
        await b.close()

    run_async(scenario)


def test_claims_made_at_once_are_answered_each_from_one_call(redis_server):
    async def scenario():
        a, b = Store(redis_server.url, 1.0, 5), Store(redis_server.url, 1.0, 5)
        await a.start()
        await b.start()
        await a.keep("done", b"stored")
        asks = [(["done", f"run{i}"], [a.token(), a.token()]) for i in range(10)]
        answers = await asyncio.gather(*(a.claim(keys, tokens) for keys, tokens in asks))
        assert all(answer[0] == ("finished", b"stored") and answer[1][0] == "leased" for answer in answers)
        assert await b.claim([f"run{i}" for i in range(10)], [b.token() for _ in range(10)]) == [("elsewhere", None)] * 10
        await a.close()
        await b.close()

    run_async(scenario)
