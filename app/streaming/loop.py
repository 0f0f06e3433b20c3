"""The generator loop of one stream: plan first, then whatever the records gained, each wake."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from .caches import ChunkMemo
from .cursors import Cursor
from .events import Event, dumps, encode
from .turns import FirstEventsFirst

if TYPE_CHECKING:
    from app.services.records import RunRecord


async def comparison_stream(plan: dict, records: list[RunRecord], cursor: Cursor | None, tick: float,
                            max_points: int, chunks: ChunkMemo, wake: asyncio.Event | None = None,
                            turns: FirstEventsFirst | None = None, token: object = None) -> AsyncIterator[bytes]:
    """Chunks of encoded events: plan (unless resuming), then points/eval/done as the runs
    progress, then end. New points are gathered every ``tick`` seconds, or at once when ``wake``
    is set; with ``turns``, only once no new stream is waiting for its plan."""
    wake = wake or asyncio.Event()
    wait = min(0.005, tick)  # short first waits bring the first points soon; then every tick
    if cursor is None:
        cursor = Cursor.start(len(records))
        yield encode([Event("plan", dumps(plan), str(cursor))])
    if turns:
        turns.opened(token)
    while True:
        if turns:
            await turns.wait_turn()
        chunk = chunks.next_chunk(records, cursor, max_points)
        if chunk:
            yield chunk
        if cursor.all_done:
            return
        try:
            await asyncio.wait_for(wake.wait(), wait)
        except asyncio.TimeoutError:
            pass
        wake.clear()
        wait = min(wait * 2, tick)
