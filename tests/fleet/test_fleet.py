"""app/fleet/ with the run service: two services in one process, each with its own Fleet (as two
workers), against a real redis-server. Finished runs are shared, identical runs train once, a
run followed elsewhere keeps training, a dead trainer's run is taken over, Redis may vanish."""
import asyncio

import pytest

from app.engine import RunStatus, compiled
from app.fleet import Fleet, codec
from app.fleet.store import run_key
from app.services import RunService
from app.services.scheduler import Busy
from app.settings import Settings
from tests.support.configs import train_config
from tests.support.waiting import run_async

SMALL = [train_config(epochs=3, n_samples=500, batch_size=b) for b in (None, 1, 32)]
LONG = dict(dataset="linear", batch_size=1, n_samples=100_000, epochs=5)  # 500,000 updates: ~1 s


@pytest.fixture(scope="module", autouse=True)
def kernels():
    compiled.warm()  # as the app does at start: runs do not wait for the compiler


async def services(url: str, n: int = 2, **overrides) -> list[RunService]:
    settings = Settings(**{"redis_url": url, "fleet_lease_seconds": 2, "training_slots": 2,  # a loaded machine stalls loops
                           **overrides})
    out = []
    for _ in range(n):
        fleet = Fleet(settings)
        await fleet.start()
        out.append(RunService(settings, fleet))
    return out


async def close(*services: RunService) -> None:
    for service in services:
        service.shutdown()
        await service.fleet.close()


async def until(condition, guard: float = 30.0) -> None:
    """Wait for a condition; the guard only keeps a broken test from hanging."""
    deadline = asyncio.get_running_loop().time() + guard
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


def same_run(a, b) -> None:
    assert a.loss.tobytes() == b.loss.tobytes() and a.cosine.tobytes() == b.cosine.tobytes()
    assert (a.evals, a.path, a.status, a.final_params) == (b.evals, b.path, b.status, b.final_params)


def stored(redis_server, configs, kind: str = "run") -> bool:
    with redis_server.client() as client:
        return client.exists(*(f"gdv:{kind}:{run_key(cfg)}" for cfg in configs)) == len(configs)


def live_stream(redis_server, cfg) -> list[codec.Chunk]:
    with redis_server.client() as client:
        return [codec.decode(fields[b"c"]) for _, fields in client.xrange(f"gdv:live:{run_key(cfg)}")]


def test_a_finished_run_is_served_by_every_worker_the_same(redis_server):
    async def scenario():
        a, b = await services(redis_server.url)
        sub = await a.subscribe(SMALL)
        trained = await sub.finished()
        sub.close()
        await until(lambda: stored(redis_server, SMALL))  # kept once the publisher saw the end
        again = await b.subscribe(SMALL)
        served = await again.finished()
        again.close()
        await close(a, b)
        return a, b, trained, served

    a, b, trained, served = run_async(scenario)
    assert (a.stats.runs_started, b.stats.runs_started, b.fleet.hits) == (3, 0, 3)
    for x, y in zip(trained, served):
        same_run(x, y)
        assert x.seconds == y.seconds and list(x.ends) == list(y.ends)


def test_identical_runs_asked_of_both_workers_at_once_train_once(redis_server):
    async def scenario():
        a, b = await services(redis_server.url)
        subs = await asyncio.gather(*(s.subscribe(SMALL) for _ in range(10) for s in (a, b)))
        results = [await sub.finished() for sub in subs]
        for sub in subs:
            sub.close()
        await close(a, b)
        return a, b, results

    a, b, results = run_async(scenario)
    assert a.stats.runs_started + b.stats.runs_started == len(SMALL)
    for records in results[1:]:
        for x, y in zip(results[0], records):
            same_run(x, y)
            assert x.seconds == y.seconds


def test_a_run_followed_elsewhere_keeps_training_and_stops_when_the_last_follower_leaves(redis_server):
    async def scenario():
        a, b = await services(redis_server.url)
        cfg = train_config(**{**LONG, "epochs": 25})  # stopped long before its 2 million updates
        mine = await a.subscribe([cfg])
        await until(lambda: len(mine.records[0].loss) > 0)
        theirs = await b.subscribe([cfg])
        mine.close()  # the only client on the training worker leaves; one on the other follows
        await until(lambda: len(theirs.records[0].loss) > 100_000)
        assert not mine.jobs[0].cancel.is_set()
        theirs.close()  # now nobody follows it anywhere
        await mine.jobs[0].ended.wait()
        await theirs.jobs[0].ended.wait()
        await until(lambda: not stored(redis_server, [cfg], "lease"))  # given back, not kept
        await close(a, b)
        return a, b, mine.records[0], theirs.records[0]

    a, b, trained, followed = run_async(scenario)
    assert trained.status == followed.status == RunStatus.STOPPED and not stored(redis_server, [trained.config])
    assert len(trained.loss) < 2_000_000 and b.stats.runs_started == 0
    assert followed.loss.tobytes() == trained.loss.tobytes()[:len(followed.loss) * 8]


async def trained_here_followed_there(url: str):
    """Services a and b; LONG trains on a (a tenth of it done), b follows it."""
    a, b = await services(url)
    mine = await a.subscribe([train_config(**LONG)])
    theirs = await b.subscribe([train_config(**LONG)])
    await until(lambda: len(mine.records[0].loss) > 50_000)  # not b's: it may lag on a loaded machine
    return a, b, mine, theirs


def test_a_gone_trainers_run_is_taken_over_with_every_update_once(redis_server):
    async def scenario():
        a, b, mine, theirs = await trained_here_followed_there(redis_server.url)
        await close(a)  # the trainer shuts down and gives its lease back (SIGKILL: test_workers.py)
        records = await theirs.finished()
        theirs.close()
        await close(b)
        return a, b, mine.records[0], records[0]

    a, b, dead, followed = run_async(scenario)
    assert followed.status == RunStatus.COMPLETED and len(followed.loss) == 500_000
    assert b.stats.runs_started == 1 and len(dead.loss) < len(followed.loss)
    assert followed.loss.tobytes()[:len(dead.loss) * 8] == dead.loss.tobytes()[:len(dead.loss) * 8]
    chunks = live_stream(redis_server, train_config(**LONG))
    for before, after in zip(chunks, chunks[1:]):
        assert after.at == before.end  # the live stream holds every update once, in order
    assert chunks[-1].final["status"] == "completed" and chunks[-1].end.updates == 500_000


def test_redis_lost_mid_run_every_worker_finishes_locally_and_rejoins(own_redis):
    async def scenario():
        a, b, mine, theirs = await trained_here_followed_there(own_redis.url)
        own_redis.stop()
        results = [await mine.finished(), await theirs.finished()]
        mine.close()
        theirs.close()
        states = (a.fleet.state, b.fleet.state)
        own_redis.start()
        await until(lambda: a.fleet.state == b.fleet.state == "up")
        started = a.stats.runs_started + b.stats.runs_started
        again = await asyncio.gather(a.subscribe(SMALL), b.subscribe(SMALL))
        for sub in again:
            await sub.finished()
            sub.close()
        await close(a, b)
        return a, b, results, states, started

    a, b, (trained, followed), states, started = run_async(scenario)
    assert states == ("down", "down") and a.fleet.errors > 0 and b.fleet.errors > 0
    same_run(trained[0], followed[0])
    assert followed[0].status == RunStatus.COMPLETED and started == 2  # the follower trained it too
    assert a.stats.runs_started + b.stats.runs_started == started + len(SMALL)  # the fleet again


def test_a_worker_shutting_down_gives_its_leases_back_at_once(redis_server):
    async def scenario():
        a, b = await services(redis_server.url)
        mine = await a.subscribe([train_config(**LONG, seed=5)])
        await until(lambda: len(mine.records[0].loss) > 0)
        await close(a)
        leased = stored(redis_server, [mine.records[0].config], "lease")
        await close(b)
        return leased

    assert not run_async(scenario)


class Refused(Exception):
    pass


def refuse(new_runs):
    raise Refused(new_runs)


def test_a_rate_limit_charges_new_training_fleet_wide_and_a_refusal_gives_the_lease_back(redis_server):
    """Following a run that trains on another worker costs nothing (admit is not asked); a request
    refused for new training leaves no lease behind, so the next worker trains at once."""
    async def scenario():
        a, b = await services(redis_server.url)
        run = [train_config(**LONG)]
        sub_a = await a.subscribe(run)
        await until(lambda: stored(redis_server, run, "lease"))
        sub_b = await b.subscribe(run, refuse)  # follows a's training: not charged
        assert b.stats.runs_started == 0
        sub_a.close(), sub_b.close()
        other = [train_config(epochs=2, n_samples=300, batch_size=4, seed=7)]
        with pytest.raises(Refused):
            await b.subscribe(other, refuse)
        assert not stored(redis_server, other, "lease") and b.stats.runs_started == 0
        sub = await a.subscribe(other)  # trained at once, no lease left to wait for
        assert (await sub.finished())[0].status == RunStatus.COMPLETED and a.stats.runs_started == 2
        sub.close()
        await close(a, b)

    run_async(scenario)


def test_a_full_worker_still_follows_a_run_training_elsewhere(redis_server):
    """The fleet is asked before the slots: a worker with no room for new training is not
    refused a run that trains on another worker (it follows it), and gives back the lease it took
    for a run it had no room to train."""
    async def scenario():
        a, b = await services(redis_server.url, training_slots=1, queue_size=0, slot_wait_seconds=0.2)
        run = [train_config(**LONG)]
        sub_a = await a.subscribe(run)
        await until(lambda: stored(redis_server, run, "lease"))
        own = await b.subscribe([train_config(**{**LONG, "seed": 2})])  # b's only slot
        other = [train_config(**{**LONG, "seed": 3})]
        with pytest.raises(Busy):
            await b.subscribe(other)
        assert not stored(redis_server, other, "lease")
        follower = await b.subscribe(run)
        await until(lambda: len(follower.records[0].loss) > 0)
        for sub in (sub_a, own, follower):
            sub.close()
        await close(a, b)
        return b

    b = run_async(scenario)
    assert b.stats.runs_started == 1 and b.stats.rejected["busy"] == 1


def test_a_run_nobody_follows_any_more_stops_at_once_not_at_the_next_lease_renewal(redis_server):
    """With a 20 s lease the publisher renews every 5 s, about the whole run's length. The last
    client leaving, on the training worker or on a follower, stops the run at once (a local
    run stops within one update), so it ends stopped far from its 2.5 million updates."""
    async def scenario():
        a, b = await services(redis_server.url, fleet_lease_seconds=20)
        ended = []
        for seed, elsewhere in ((1, False), (2, True)):
            cfg = train_config(**{**LONG, "epochs": 25, "seed": seed})
            mine = await a.subscribe([cfg])
            theirs = await b.subscribe([cfg]) if elsewhere else None
            await until(lambda: len((theirs or mine).records[0].loss) > 0)
            mine.close()
            if theirs:
                await until(lambda: len(theirs.records[0].loss) > 20_000)
                assert not mine.jobs[0].cancel.is_set()  # followed elsewhere: it goes on
                theirs.close()
            await mine.jobs[0].ended.wait()
            ended.append(mine.records[0])
        await close(a, b)
        return ended

    for record in run_async(scenario):
        assert record.status == RunStatus.STOPPED and len(record.loss) < 1_000_000
