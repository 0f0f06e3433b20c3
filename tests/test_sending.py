"""app/sending.py: pieces never cut an event; a stopping server ends a stream with a retry hint."""
import asyncio

import anyio

from app.sending import farewell, pieces, until_shutdown
from tests.support.waiting import run_async


def events(*sizes: int) -> list[bytes]:
    return [b"data: " + b"x" * n + b"\r\n\r\n" for n in sizes]


def test_pieces_keep_events_whole_and_bounded():
    chunk = b"".join(events(10, 3000, 50, 70000, 5, 5, 900))
    out = list(pieces(chunk, 4096))
    assert b"".join(out) == chunk and all(p.endswith(b"\r\n\r\n") for p in out)
    assert [len(p) for p in out] == [3090, 70010, 940]  # only the one larger event exceeds the size
    assert list(pieces(b"", 4096)) == []


def test_farewell_is_a_comment_and_a_spread_retry():
    text = farewell(1000).decode()
    retry = int(text.split("retry: ")[1].split("\r\n")[0])
    assert text.startswith(":") and text.endswith("\r\n\r\n") and 1000 <= retry <= 2000


def test_shutdown_ends_a_waiting_stream_with_the_farewell_and_closes_it():
    closed = []

    async def stream():
        try:
            yield b"event: plan\r\ndata: {}\r\n\r\n"
            await asyncio.sleep(3600)  # a run that trains for a long time
            yield b"never"
        finally:
            closed.append(True)

    async def scenario():
        shutdown = anyio.Event()
        out = []
        async for chunk in until_shutdown(stream(), shutdown, 500):
            out.append(chunk)
            shutdown.set()  # the server is told to stop while the stream waits for its next chunk
        await asyncio.sleep(0)  # the cancelled wait runs the stream's cleanup
        return out

    out = run_async(scenario)
    assert out[0].startswith(b"event: plan") and out[1].startswith(b": server stopping") and len(out) == 2
    assert closed == [True]


def test_a_stream_that_ends_by_itself_is_passed_through():
    async def stream():
        for chunk in events(1, 2):
            yield chunk

    async def scenario():
        return [chunk async for chunk in until_shutdown(stream(), anyio.Event(), 500)]

    assert run_async(scenario) == events(1, 2)


def test_a_chunk_already_made_goes_first_without_waiting_for_the_rest():
    async def scenario():
        gate = asyncio.Event()

        async def stream():
            await gate.wait()
            yield b"later"

        out = until_shutdown(stream(), anyio.Event(), 500, first=b"plan")
        assert await anext(out) == b"plan"  # the stream's own chunks are not ready yet
        gate.set()
        assert [chunk async for chunk in out] == [b"later"]

    run_async(scenario)
