"""Stream events read off run records, and the resumable cursor in each event id."""
import math

import pytest

from app.engine import Eval, RunStatus
from app.services import RunRecord
from app.streaming import Cursor, RunCursor, pending_events
from tests.helpers import train_config


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
