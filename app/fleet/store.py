"""The fleet's Redis, through redis-py's asyncio client, and what happens when it fails.

Per run (keyed by a hash of its normalized configuration): ``run`` the finished run's bytes,
``lease`` the worker training it, ``live`` a Redis stream of its chunks as they are trained,
``watch`` refreshed by workers whose clients follow it. Any failure counts in ``errors`` and
raises ``FleetDown``: callers then serve locally. A lost connection marks the store down; calls
fail at once (no waiting on a dead socket) while one task reconnects with backoff.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import os
import socket
import uuid

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from app.engine import TrainConfig

from . import codec

log = logging.getLogger("gdv.fleet")
KEEP_MS = 7 * 24 * 3600 * 1000  # a finished run (Redis' maxmemory policy may drop it sooner)
LIVE_MS = 10 * 60 * 1000  # a live stream after its last entry
AFTER_MS = 60 * 1000  # a finished run's live stream, for followers still reading it
BACKOFF = (0.05, 2.0)  # first and longest wait between reconnection attempts

# take the lease if free, keep it if ours: 1 when held by ARGV[1] afterwards
ACQUIRE = """local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0"""
# renew the lease and append a chunk (if any) only while the lease is ours: one writer per run.
# 0 if the lease is not ours, else 1 + the workers following the run (KEYS[3], as WATCH keeps it)
PUBLISH = """if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[2], '*', 'c', ARGV[4]) redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
local t = redis.call('TIME')
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', t[1] * 1000 + math.floor(t[2] / 1000))
return 1 + redis.call('ZCARD', KEYS[3])"""
# per run (KEYS: run, lease, live, watch; ARGV: lease ms, this worker, watch ms, then one token per
# run), in one round trip: {1, the finished run} | {2, the last live chunk or ''}: the lease is
# now ours | {3, ''}: another's, and this worker now follows it (WATCH's set), so its trainer
# never sees nobody following between this answer and the follower's first read
CLAIM = """local out = {}
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
for i = 1, #KEYS, 4 do
  local data = redis.call('GET', KEYS[i])
  if data then out[#out + 1] = {1, data} else
    local token, held = ARGV[(i + 3) / 4 + 3], redis.call('GET', KEYS[i + 1])
    if held == false then redis.call('SET', KEYS[i + 1], token, 'PX', ARGV[1]) held = token end
    if held == token then
      local last = redis.call('XREVRANGE', KEYS[i + 2], '+', '-', 'COUNT', 1)
      out[#out + 1] = {2, last[1] and last[1][2][2] or ''}
    else
      redis.call('ZADD', KEYS[i + 3], now + ARGV[3], ARGV[2]) redis.call('PEXPIRE', KEYS[i + 3], ARGV[3])
      out[#out + 1] = {3, ''}
    end
  end
end
return out"""
RELEASE = """if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"""
# followers: a sorted set of workers by when their interest expires, on the server's clock
WATCH = """local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[2] ~= '0' then
  redis.call('ZADD', KEYS[1], now + ARGV[2], ARGV[1]) redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('ZCARD', KEYS[1])"""


class FleetDown(Exception):
    """Redis cannot answer now: serve locally."""


def run_key(config: TrainConfig) -> str:
    """The normalized configuration (the in-memory cache's key) as a short stable name."""
    text = orjson.dumps(dataclasses.asdict(config), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(codec.FORMAT + text).hexdigest()[:32]


class Store:
    def __init__(self, url: str, timeout: float, lease_seconds: float):
        self.lease_ms = max(1, int(lease_seconds * 1000))
        self.block_ms = max(1, self.lease_ms // 4)  # a follower's read waits at most this
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.client = Redis.from_url(url, socket_timeout=timeout + self.block_ms / 1000, socket_connect_timeout=timeout,
                                     retry=Retry(NoBackoff(), 1))  # one retry: a pooled connection from before a restart
        self.state = "down"
        self.errors = 0
        self._probe: asyncio.Task | None = None
        self._acquire, self._publish, self._release, self._watch, self._claim = map(
            self.client.register_script, (ACQUIRE, PUBLISH, RELEASE, WATCH, CLAIM))
        self._claims: list[tuple[list[str], list[str], asyncio.Future]] = []  # waiting for the next call
        self._claiming: asyncio.Task | None = None

    async def start(self) -> None:
        """One ping; if Redis does not answer, keep trying in the background."""
        try:
            await self.client.ping()
            async with self.client.pipeline(transaction=False) as pipe:  # no NOSCRIPT round trips later
                for script in (ACQUIRE, PUBLISH, RELEASE, WATCH, CLAIM):
                    pipe.script_load(script)
                await pipe.execute()
            self.state = "up"
        except (RedisError, OSError):
            self._lost()

    async def close(self) -> None:
        if self._probe:
            self._probe.cancel()
        await self.client.aclose()

    async def _do(self, command):
        if self.state != "up":
            command.close()  # never sent
            raise FleetDown
        try:
            return await command
        except (RedisConnectionError, RedisTimeout, OSError, asyncio.TimeoutError) as exc:
            self._lost()
            raise FleetDown from exc
        except RedisError as exc:  # e.g. out of memory under a noeviction policy: this call only
            self.errors += 1
            log.warning("redis: %s", exc)
            raise FleetDown from exc

    def _lost(self) -> None:
        self.errors += 1
        if self.state == "up":
            log.warning("redis unreachable: serving locally until it is back")
        self.state = "down"
        if self._probe is None or self._probe.done():
            self._probe = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        wait = BACKOFF[0]
        while True:
            await asyncio.sleep(wait)
            try:
                await self.client.connection_pool.disconnect()  # sockets from before the failure
                await self.client.ping()
            except (RedisError, OSError, asyncio.TimeoutError):
                self.errors += 1
                wait = min(wait * 2, BACKOFF[1])
                continue
            self.state = "up"
            log.warning("redis is back: the fleet is joined again")
            return

    # finished runs
    async def finished(self, keys: list[str]) -> list[bytes | None]:
        return await self._do(self.client.mget([f"gdv:run:{k}" for k in keys]))

    async def keep(self, key: str, data: bytes) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.set(f"gdv:run:{key}", data, px=KEEP_MS)
            pipe.pexpire(f"gdv:live:{key}", AFTER_MS)
            await self._do(pipe.execute())

    # the lease and the live stream
    def token(self) -> str:
        """A lease holder's name: this worker's, and unique within it (one writer per run)."""
        return f"{self.me}:{uuid.uuid4().hex[:8]}"

    async def claim(self, keys: list[str], tokens: list[str]) -> list[tuple[str, bytes | codec.Counts | None]]:
        """For each run: ("finished", its bytes), ("leased", what its live stream holds: the lease
        is now ``tokens[i]``'s) or ("elsewhere", None): another holds it. Claims made while one
        is in flight go together in the next call: a class opening many links at once costs a
        round trip or two, not one connection and round trip each."""
        waiter = asyncio.get_running_loop().create_future()
        self._claims.append((keys, tokens, waiter))
        if self._claiming is None or self._claiming.done():
            self._claiming = asyncio.get_running_loop().create_task(self._claim_waiting())
        return await waiter

    async def _claim_waiting(self) -> None:
        while self._claims:
            batch, self._claims = self._claims, []
            names = [f"gdv:{kind}:{key}" for keys, _, _ in batch for key in keys for kind in ("run", "lease", "live", "watch")]
            tokens = [token for _, tokens, _ in batch for token in tokens]
            try:
                replies = await self._do(self._claim(keys=names, args=[self.lease_ms, self.me, 3 * self.block_ms, *tokens]))
            except FleetDown:
                replies = None
            for keys, _, waiter in batch:
                mine, replies = (replies[:len(keys)], replies[len(keys):]) if replies is not None else (None, None)
                if waiter.done():
                    continue  # its request was cancelled; the leases expire by themselves
                try:
                    if mine is None:
                        raise FleetDown
                    waiter.set_result([("finished", payload) if kind == 1 else
                                       ("leased", codec.decode(payload).end if payload else codec.Counts())
                                       if kind == 2 else ("elsewhere", None) for kind, payload in mine])
                except Exception as exc:  # noqa: BLE001 - every waiter gets an answer
                    waiter.set_exception(exc)

    async def acquire(self, key: str, token: str) -> bool:
        return bool(await self._do(self._acquire(keys=[f"gdv:lease:{key}"], args=[token, self.lease_ms])))

    async def publish(self, key: str, token: str, data: bytes = b"") -> int | None:
        """Append a chunk (and renew the lease) if the lease is still ``token``'s: how many
        workers follow the run then, or None when the lease is not ours."""
        followers = await self._do(self._publish(keys=[f"gdv:lease:{key}", f"gdv:live:{key}", f"gdv:watch:{key}"],
                                                 args=[token, self.lease_ms, LIVE_MS, data]))
        return followers - 1 if followers else None

    async def release(self, key: str, token: str) -> None:
        await self._do(self._release(keys=[f"gdv:lease:{key}"], args=[token]))

    async def leased(self, key: str) -> bool:
        return bool(await self._do(self.client.exists(f"gdv:lease:{key}")))

    async def published(self, key: str) -> codec.Counts:
        """What the live stream holds: the counts after its last chunk."""
        last = await self._do(self.client.xrevrange(f"gdv:live:{key}", count=1))
        return codec.decode(last[0][1][b"c"]).end if last else codec.Counts()

    async def read(self, key: str, after: bytes, block: bool = True) -> list[tuple[bytes, codec.Chunk]]:
        """Chunks after the entry id ``after`` (waiting up to ``block_ms`` for one)."""
        reply = await self._do(self.client.xread({f"gdv:live:{key}": after}, block=self.block_ms if block else None))
        return [(entry_id, codec.decode(fields[b"c"])) for _, entries in reply for entry_id, fields in entries]

    # who follows a run
    async def watch(self, key: str) -> None:
        """This worker's clients follow the run (for the next few reads)."""
        await self._do(self._watch(keys=[f"gdv:watch:{key}"], args=[self.me, 3 * self.block_ms]))

    async def unwatch(self, key: str) -> None:
        await self._do(self.client.zrem(f"gdv:watch:{key}", self.me))
