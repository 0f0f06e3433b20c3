"""A new stream's plan goes before other streams' points."""
import asyncio

from app.streaming import FirstEventsFirst
from tests.support.waiting import run_async


def test_a_new_stream_goes_first_until_its_plan_is_out_or_the_wait_is_over():
    async def scenario():
        turns = FirstEventsFirst(max_defer=0.2)
        token = turns.open()
        waiter = asyncio.create_task(turns.wait_turn())
        await asyncio.sleep(0.02)
        assert not waiter.done()  # another stream's points wait for this plan
        turns.opened(token)
        await asyncio.wait_for(waiter, 0.1)
        turns.open()  # a stream whose client left before it started: forgotten after max_defer
        began = asyncio.get_running_loop().time()
        await turns.wait_turn()
        assert 0.15 < asyncio.get_running_loop().time() - began < 0.5
        await asyncio.wait_for(turns.wait_turn(), 0.05)

    run_async(scenario)
