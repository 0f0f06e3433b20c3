"""Event streams of comparisons: subscribe to the runs, follow their records, count the stream.

Owns what streams share: the encoding caches (sized in Settings) and the turns that let a new
stream's plan go out before other streams' points.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from app.engine import TrainConfig
from app.settings import Settings
from app.streaming import BlockMemo, ChunkMemo, Cursor, FirstEventsFirst, comparison_stream

if TYPE_CHECKING:
    from .service import Stats, Subscription


class Streams:
    def __init__(self, settings: Settings, subscribe: Callable[..., Awaitable[Subscription]],
                 stats: Stats):
        self.subscribe, self.stats = subscribe, stats
        self.tick, self.max_points = settings.stream_tick_seconds, settings.points_per_event
        blocks = BlockMemo(settings.stream_block_cache_chars, settings.stream_block_cache_records)
        self.chunks = ChunkMemo(settings.stream_chunk_cache_bytes, settings.stream_chunk_cache_chunks, blocks)
        self.turns = FirstEventsFirst(max_defer=settings.first_event_priority_seconds)

    async def open(self, configs: list[TrainConfig], plan: dict, cursor: Cursor | None,
                   admit: Callable[[list[TrainConfig]], None] | None = None) -> AsyncIterator[bytes]:
        """The stream's encoded chunks (plan unless resuming after ``cursor``, then the runs'
        events, then end). Subscribing may wait for a slot or raise ``Busy`` (503), and ``admit``
        may refuse new training (see ``RunService.subscribe``); once it succeeded, closing the iterator closes the subscription."""
        token = self.turns.open()
        try:
            subscription = await self.subscribe(configs, admit)
        except BaseException:
            self.turns.opened(token)
            raise
        return self._follow(subscription, plan, cursor, token)

    async def _follow(self, subscription: Subscription, plan: dict, cursor: Cursor | None,
                      token: object) -> AsyncIterator[bytes]:
        opened = time.monotonic()
        wake = asyncio.Event()
        subscription.wake_on_end(wake)
        try:
            async for chunk in comparison_stream(plan, subscription.records, cursor, self.tick, self.max_points,
                                                 self.chunks, wake, self.turns, token):
                yield chunk
        finally:
            self.turns.opened(token)
            subscription.close()
            self.stats.stream_closed(time.monotonic() - opened)
