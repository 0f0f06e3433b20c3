"""The resumable cursor in each event id."""
import pytest

from app.streaming import Cursor, RunCursor
from tests.support.sse import losses_by_run, read_stream


def test_cursor_round_trips_and_accepts_the_first_format():
    cursor = Cursor([RunCursor(5, 2, True, 3, 1), RunCursor()])
    assert str(cursor) == "5.2.1.3.1_0.0.0.0.0"
    assert Cursor.parse(str(cursor), 2) == cursor
    assert Cursor.parse("7.1.0_2.0.1", 2).runs[0] == RunCursor(7, 1, False, 0, 0)


@pytest.mark.parametrize("text", ["", "1.2.0", "a.b.c_1.1.1", "1.1.2_0.0.0", "1.1_0.0.0", "1.1.0.0_0.0.0"])
def test_cursor_refuses_ids_of_other_comparisons(text):
    with pytest.raises(ValueError, match="Last-Event-ID"):
        Cursor.parse(text, 2)


def test_all_done_once_every_run_is():
    assert not Cursor.start(2).all_done
    assert Cursor([RunCursor(done=True), RunCursor(done=True)]).all_done


def test_old_three_field_ids_still_resume(client):
    query = "batch_size=full,10&epochs=2&n_samples=50"
    rest = read_stream(client, query, headers={"Last-Event-ID": "2.1.0_0.0.0"})
    losses = losses_by_run([type(rest[0])("points", None, {"run": 0, "first_update": 1, "loss": [0, 0]})] + rest)
    assert len(losses[0]) == 2 and len(losses[1]) == 10
