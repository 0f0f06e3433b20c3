"""Stream events read off run records, and the resumable cursor in each event id."""
import asyncio
import math

import numpy as np
import pytest

from app.engine import Eval, RunStatus
from app.services import RunRecord
from app.streaming import Cursor, Event, FirstEventsFirst, RunCursor, _ChunkMemo, encode, pending_events
from tests.helpers import run_async, train_config


def record(n_loss=0, status=RunStatus.RUNNING, evals=()):
    rec = RunRecord(train_config(batch_size=1))
    rec.loss.extend(float(k) for k in range(1, n_loss + 1))
    rec.evals.extend(evals)
    rec.status = status
    return rec


def test_cursor_round_trips_and_accepts_the_first_format():
    cursor = Cursor([RunCursor(5, 2, True, 3, 1), RunCursor()])
    assert str(cursor) == "5.2.1.3.1_0.0.0.0.0"
    assert Cursor.parse(str(cursor), 2) == cursor
    assert Cursor.parse("7.1.0_2.0.1", 2).runs[0] == RunCursor(7, 1, False, 0, 0)


@pytest.mark.parametrize("text", ["", "1.2.0", "a.b.c_1.1.1", "1.1.2_0.0.0", "1.1_0.0.0", "1.1.0.0_0.0.0"])
def test_cursor_refuses_ids_of_other_comparisons(text):
    with pytest.raises(ValueError, match="Last-Event-ID"):
        Cursor.parse(text, 2)


def test_points_are_sent_once_in_slices_and_evals_after_their_points():
    rec = record(7, evals=[Eval(0, 0.0, 1.0, None), Eval(4, 1.0, 0.5, None)])
    cursor = Cursor.start(1)
    events = pending_events([rec], cursor, max_points=3)
    assert [e.event for e in events] == ["eval", "points", "points", "eval", "points"]
    firsts = [e.data for e in events if e.event == "points"]
    assert [f.split('"first_update":')[1].split(",")[0] for f in firsts] == ["1", "4", "5"]
    assert cursor.runs[0] == RunCursor(7, 2, False, 0, 0)
    assert pending_events([rec], cursor, 3) == []  # nothing new, nothing again


def test_a_finished_run_ends_with_done_carrying_its_seconds():
    rec = record(2, status=RunStatus.COMPLETED)
    rec.seconds = 0.25
    events = pending_events([rec], Cursor.start(1), 10)
    assert events[-1].event == "done"
    assert events[-1].data == '{"run":0,"status":"completed","updates":2,"seconds":0.25}'


def test_a_failed_run_sends_its_error_then_done_failed():
    rec = record(1)
    rec.fail("boom")
    kinds = [(e.event, e.data) for e in pending_events([rec], Cursor.start(1), 10)]
    assert kinds[-2] == ("error", '{"run":0,"detail":"run 1: boom"}')
    assert '"status":"failed"' in kinds[-1][1]


def test_non_finite_losses_are_sent_as_null():
    rec = record(0)
    rec.loss.extend([1.0, math.nan, math.inf])
    (points,) = pending_events([rec], Cursor.start(1), 10)
    assert '"loss":[1.0,null,null]' in points.data


def test_old_three_field_ids_still_resume(client):
    from tests.sse import losses_by_run
    from tests.api.test_runs import read_stream

    query = "batch_size=full,10&epochs=2&n_samples=50"
    rest = read_stream(client, query, headers={"Last-Event-ID": "2.1.0_0.0.0"})
    losses = losses_by_run([type(rest[0])("points", None, {"run": 0, "first_update": 1, "loss": [0, 0]})] + rest)
    assert len(losses[0]) == 2 and len(losses[1]) == 10


def blocks(sizes, status=RunStatus.COMPLETED, noise=True):
    rec = RunRecord(train_config(batch_size=1))
    rec.measures_noise = noise
    for n in sizes:
        first = len(rec.loss)
        rec.add_updates(np.arange(first + 1, first + n + 1, dtype=float), np.full(n, 0.5))
    rec.status = status
    return rec


def test_events_go_on_the_wire_as_one_chunk():
    chunk = encode([Event("plan", '{"a":1}', "0.0.0.0.0"), Event("end", "{}", "1.0.1.0.0")])
    assert chunk == b'id: 0.0.0.0.0\r\nevent: plan\r\ndata: {"a":1}\r\n\r\nid: 1.0.1.0.0\r\nevent: end\r\ndata: {}\r\n\r\n'


def test_whole_blocks_and_resumed_slices_give_the_same_points():
    rec = blocks([4, 3, 5])
    whole = pending_events([rec], Cursor.start(1), max_points=100)
    assert whole[0].data.startswith('{"run":0,"first_update":1,"loss":[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0]')
    resumed = pending_events([rec], Cursor([RunCursor(updates=2)]), max_points=4)  # mid-block, then capped
    firsts = [e.data.split('"first_update":')[1].split(",")[0] for e in resumed if e.event == "points"]
    assert firsts == ["3", "5", "8", "12"]  # the rest of block 1, block 2, block 3 (5 > 4) in two slices
    assert '"grad_cosine":[0.5,0.5]' in resumed[0].data


def test_streams_following_the_same_records_share_one_encoded_chunk():
    rec = blocks([3, 3])
    memo = _ChunkMemo(max_bytes=10_000, max_chunks=4)
    a, b = Cursor.start(1), Cursor.start(1)
    first, second = memo.next_chunk([rec], a, 10), memo.next_chunk([rec], b, 10)
    assert first is second and first.endswith(b"event: end\r\ndata: {}\r\n\r\n")
    assert a == b and a.all_done and b.runs[0] is not a.runs[0]  # each stream has its own cursor


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
