"""The run service: identical runs share a record, finished runs come from the cache, and a job
nobody waits for any more is cancelled."""
import asyncio

from app.engine import RunStatus
from app.services import RunService
from app.settings import Settings
from tests.support.configs import train_config
from tests.support.waiting import run_async


def test_identical_runs_share_one_record_and_finished_ones_come_from_the_cache():
    async def scenario():
        service = RunService(Settings(training_slots=1))
        a, b = train_config(epochs=2, n_samples=50), train_config(epochs=3, n_samples=50)
        first = await service.subscribe([a, b, a])
        assert first.records[0] is first.records[2] and service.stats.runs_started == 2
        following = await service.subscribe([b])
        assert following.records[0] is first.records[1] and following.jobs == first.jobs
        await first.finished()
        first.close()
        following.close()
        again = await service.subscribe([a])
        assert again.records[0] is first.records[0] and again.jobs == [] and service.stats.cache_hits == 1
        again.close()
        service.shutdown()
        return first.records

    records = run_async(scenario)
    assert [r.status for r in records] == [RunStatus.COMPLETED] * 3


def test_closing_the_last_subscription_cancels_the_job():
    async def scenario():
        service = RunService(Settings(training_slots=1))
        sub = await service.subscribe([train_config(batch_size=1, n_samples=100_000, epochs=5)])
        other = await service.subscribe([train_config(batch_size=1, n_samples=100_000, epochs=5)])
        sub.close()
        sub.close()  # closing twice counts once
        assert not sub.jobs[0].cancel.is_set()
        other.close()
        assert sub.jobs[0].cancel.is_set()
        await sub.jobs[0].ended.wait()
        assert service.active_runs == 0 and len(service.cache) == 0
        service.shutdown()
        return sub.records[0]

    assert run_async(scenario).status == RunStatus.STOPPED


def test_metrics_count_finished_runs_by_status():
    async def scenario():
        service = RunService(Settings())
        sub = await service.subscribe([train_config(learning_rate=10, batch_size="full", epochs=100)])
        await sub.finished()
        sub.close()
        service.shutdown()
        return service.stats

    stats = run_async(scenario)
    assert stats.finished == {RunStatus.DIVERGED: 1}


def test_a_finished_run_of_a_cancelled_job_is_not_trained_again():
    async def scenario():
        service = RunService(Settings(training_slots=1))
        quick, slow = train_config(batch_size="full", epochs=2), train_config(batch_size=1, n_samples=100_000, epochs=5)
        sub = await service.subscribe([quick, slow])
        while not sub.records[0].finished:  # the interleaved job finishes the short run first
            await asyncio.sleep(0.005)
        sub.close()  # cancelled; its job may still be ending in the worker thread
        again = await service.subscribe([quick])
        again.close()
        service.shutdown()
        return sub.records[0], again.records[0], service.stats.runs_started

    first, again, started = run_async(scenario)
    assert again is first and started == 2
