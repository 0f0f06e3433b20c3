"""One stream's generator: plan first (unless resuming), the records' events, then end."""
from app.engine import RunStatus
from app.streaming import ChunkMemo, Cursor, comparison_stream
from tests.support.records import blocks, record
from tests.support.sse import iter_events
from tests.support.waiting import run_async


def collect(records, cursor):
    async def scenario():
        chunks = ChunkMemo(max_bytes=100_000, max_chunks=8)
        return [c async for c in comparison_stream({"runs": []}, records, cursor, 0.01, 100, chunks)]

    return run_async(scenario)


def test_a_finished_comparison_streams_its_plan_then_everything_in_one_chunk():
    chunks = collect([blocks([3, 2])], None)
    assert len(chunks) == 2 and chunks[0].startswith(b"id: 0.0.0.0.0\r\nevent: plan\r\n")
    kinds = [e.event for e in iter_events(b"".join(chunks).decode().split("\n"))]
    assert kinds == ["plan", "points", "done", "end"]


def test_a_resumed_stream_sends_no_plan_and_waits_for_a_run_to_end():
    rec = record(2)

    async def scenario():
        chunks = ChunkMemo(max_bytes=100_000, max_chunks=8)
        stream = comparison_stream({}, [rec], Cursor.start(1), 0.01, 100, chunks)
        first = await anext(stream)
        rec.status = RunStatus.COMPLETED
        return first, [c async for c in stream]

    first, rest = run_async(scenario)
    assert b"event: points" in first and b"event: plan" not in first
    assert rest[-1].endswith(b"event: end\r\ndata: {}\r\n\r\n")
