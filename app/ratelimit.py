"""Per-client token buckets for streams that start training (in memory, per process)."""
from __future__ import annotations

import time
from collections import OrderedDict

from starlette.requests import Request


class RateLimited(Exception):
    """429: the client may start again after ``wait`` seconds."""

    def __init__(self, wait: float):
        super().__init__(f"try again in {wait:.1f} s")
        self.wait = wait


def client_key(request: Request, trust_forwarded_for: bool) -> str:
    """The client's address; behind the compose file's nginx, the first X-Forwarded-For hop."""
    forwarded = request.headers.get("x-forwarded-for") if trust_forwarded_for else None
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "-"


class RateLimiter:
    """``per_minute`` starts refill continuously up to ``burst``; clients kept are bounded."""

    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> float:
        """0 if the client may start now, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate if self.rate > 0 else 60.0
        self.buckets[client] = (tokens, now)
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait
