"""Priority between streams: a new stream's first event goes before other streams' points."""
from __future__ import annotations

import asyncio
import time


class FirstEventsFirst:
    """Streams whose first event is not out yet go before other streams' points, so a link shows
    its plan at once even while a whole class opens it. A stream that never starts (its client
    left) stops counting after ``max_defer`` seconds, as does any stream's wait."""

    def __init__(self, max_defer: float):
        self.max_defer = max_defer
        self._opening: dict[object, float] = {}  # token -> when it opened
        self._changed = asyncio.Event()

    def open(self) -> object:
        token = object()
        self._opening[token] = time.monotonic()
        return token

    def opened(self, token: object) -> None:
        if self._opening.pop(token, None) is not None:
            self._changed.set()

    async def wait_turn(self) -> None:
        """Until no stream is opening (or ``max_defer`` seconds)."""
        deadline = time.monotonic() + self.max_defer
        while self._opening:
            now = time.monotonic()
            for token, began in list(self._opening.items()):
                if now - began > self.max_defer:
                    del self._opening[token]
            if not self._opening or now >= deadline:
                return
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - now)
            except asyncio.TimeoutError:
                return
