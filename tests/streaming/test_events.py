"""Stream events read off run records: pure encoding, the same cursor giving the same events."""
import math

from app.engine import Eval, RunStatus
from app.streaming import BlockMemo, Cursor, Event, RunCursor, encode, pending_events
from tests.support.records import blocks, record


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


def test_encoded_blocks_give_the_events_a_plain_encoding_gives():
    rec = blocks([4, 3, 5])
    memo = BlockMemo(max_chars=10_000, max_records=2)
    for cursor in (Cursor.start(1), Cursor([RunCursor(updates=2)])):
        plain = pending_events([rec], Cursor([RunCursor(**vars(cursor.runs[0]))]), 4)
        assert pending_events([rec], cursor, 4, blocks=memo) == plain


def test_a_run_without_noise_has_no_cosines():
    (points, _) = pending_events([blocks([2], noise=False)], Cursor.start(1), 10)
    assert points.data == '{"run":0,"first_update":1,"loss":[1.0,2.0]}'
