"""Streams through the run service: subscribed, followed, counted and closed."""
import asyncio

import pytest

from app.engine import RunStatus
from app.services import Busy, RunService
from app.settings import Settings
from tests.support.configs import train_config
from tests.support.sse import iter_events
from tests.support.waiting import run_async


def test_a_stream_follows_its_runs_to_the_end_then_is_counted_and_closed():
    async def scenario():
        service = RunService(Settings(training_slots=1))
        chunks = await service.streams.open([train_config(epochs=2, n_samples=50)], {"runs": []}, None)
        body = b"".join([c async for c in chunks])
        stats = service.stats.streams, service.stats.stream_seconds, service.active_runs
        service.shutdown()
        return body, stats

    body, (streams, seconds, active) = run_async(scenario)
    kinds = [e.event for e in iter_events(body.decode().split("\n"))]
    assert kinds[0] == "plan" and kinds[-2:] == ["done", "end"]
    assert streams == 1 and seconds > 0 and active == 0


def test_a_stream_left_early_stops_the_job_nobody_else_follows():
    async def scenario():
        service = RunService(Settings(training_slots=1))
        chunks = await service.streams.open([train_config(batch_size=1, n_samples=100_000, epochs=5)], {}, None)
        await anext(chunks)  # the plan
        (rec,) = service.active_records()
        await chunks.aclose()  # the client left
        for _ in range(1000):  # the worker thread ends the run within one update
            if rec.finished:
                break
            await asyncio.sleep(0.01)
        service.shutdown()
        return rec.status, service.stats.streams

    assert run_async(scenario) == (RunStatus.STOPPED, 1)


def test_a_refused_stream_does_not_hold_back_other_streams():
    async def scenario():
        service = RunService(Settings(training_slots=1, queue_size=0, slot_wait_seconds=0.05))
        long = [train_config(batch_size=1, n_samples=100_000, epochs=5)]
        first = await service.streams.open(long, {}, None)
        await anext(first)  # the plan
        await anext(first)  # the first points: this stream is no longer opening
        with pytest.raises(Busy):
            await service.streams.open([train_config(batch_size=1, n_samples=90_000, epochs=5)], {}, None)
        # the refused stream's turn is given back: another stream's points need not wait for it
        await asyncio.wait_for(service.streams.turns.wait_turn(), 0.05)
        await first.aclose()
        service.shutdown()

    run_async(scenario)
