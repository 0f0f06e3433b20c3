"""Slots and queue: jobs wait for a slot, requests wait for room (woken, not polling), then Busy."""
import asyncio

import pytest

from app.engine import RunStatus
from app.services import Busy, RunRecord
from app.services.jobs import Job
from app.services.scheduler import Scheduler
from tests.support.configs import train_config
from tests.support.waiting import run_async


def job(epochs=1, n_samples=50, batch_size=32):
    return Job([RunRecord(train_config(epochs=epochs, n_samples=n_samples, batch_size=batch_size))])


def test_jobs_beyond_the_slots_queue_and_all_run():
    async def scenario():
        scheduler = Scheduler(slots=1, queue_size=2)
        done = []
        jobs = [job(e) for e in (1, 2, 3)]
        for j in jobs:
            scheduler.submit(j, done.append)
        assert scheduler.queued == 3 and not scheduler.has_room()
        await asyncio.gather(*(j.ended.wait() for j in jobs))
        assert done == jobs and scheduler.in_use == 0 and scheduler.queued == 0 and scheduler.has_room()
        return [j.records[0].status for j in jobs]

    assert run_async(scenario) == [RunStatus.COMPLETED] * 3


def test_waiting_for_room_is_woken_when_a_job_ends_and_busy_after_the_deadline():
    async def scenario():
        scheduler = Scheduler(slots=1, queue_size=0)
        first = job(5, n_samples=100_000, batch_size=1)  # trains until cancelled
        scheduler.submit(first, lambda j: None)
        await asyncio.sleep(0)  # it takes its slot
        with pytest.raises(Busy):
            await scheduler.wait_for_room(0.01)
        waiting = asyncio.ensure_future(scheduler.wait_for_room(60))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        first.cancel.set()
        await first.ended.wait()
        await asyncio.wait_for(waiting, 5)  # woken by the job's end, long before its deadline
        return scheduler.has_room()

    assert run_async(scenario)


def test_a_job_everyone_left_while_queued_is_not_trained():
    async def scenario():
        scheduler = Scheduler(slots=1, queue_size=1)
        skipped = job()
        skipped.cancel.set()
        scheduler.submit(skipped, lambda j: None)
        await skipped.ended.wait()
        return skipped.records[0]

    rec = run_async(scenario)
    assert rec.status == RunStatus.STOPPED and len(rec.loss) == 0
