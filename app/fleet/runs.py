"""Runs shared by the fleet. A run trained here is published chunk by chunk to its live stream
while this worker holds its lease (``Publisher``); a run training elsewhere is followed into a
local record that the usual streams read (``FleetJob``). A follower whose trainer is gone (its
lease expired) or that lost Redis trains the run itself, from the start (runs are
deterministic), and adds to its record only what the record does not hold yet.
"""
from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from typing import Protocol

from app.services import RunRecord
from app.services.cache import ResultCache
from app.services.jobs import Job

from . import codec
from .codec import Counts
from .store import FleetDown, Store

log = logging.getLogger("gdv.fleet")


class Port(Protocol):
    """What the fleet needs of the run service."""

    cache: ResultCache

    def train(self, records: list[RunRecord]) -> Job: ...

    def adopt(self, job: Job) -> None: ...

    def unsubscribe(self, jobs: list[Job]) -> None: ...

    def settle(self, job: Job) -> None: ...


def covers(have: Counts, other: Counts) -> bool:
    return (have.updates >= other.updates and have.evals >= other.evals and have.path >= other.path
            and have.boundaries >= other.boundaries)


class Link:
    """One run's record here and its live stream: what the stream holds, whether we write it."""

    def __init__(self, store: Store, key: str, view: RunRecord | None = None):
        self.store, self.key, self.view = store, key, view
        self.token = store.token()
        self.leased = False
        self.published = Counts()  # what the live stream holds, as far as this worker knows
        self.followers = 0  # workers following the run, as of our last publish

    async def take(self) -> bool:
        """Hold the lease (take it, or keep it) and learn what the live stream holds."""
        self.leased = await self.store.acquire(self.key, self.token)
        if self.leased:
            self.published = await self.store.published(self.key)
        return self.leased

    async def push(self, final: bool = True, retake: bool = False) -> None:
        """Publish what the record holds beyond the live stream, renewing the lease; without the
        lease, only renew (``retake``: try to take it, e.g. Redis is back after a failure)."""
        if self.store.state != "up":
            raise FleetDown  # before encoding anything
        if not self.leased and not (retake and await self.take()):
            return
        chunk = codec.Chunk(self.published)
        if covers(Counts.of(self.view), self.published):
            chunk = codec.extract(self.view, self.published)
            if not final:
                chunk.final = None
        followers = await self.store.publish(self.key, self.token, b"" if chunk.empty else codec.encode(chunk))
        self.leased, self.followers = followers is not None, followers or 0
        if self.leased and not chunk.empty:
            self.published = chunk.end

    async def close(self) -> None:
        """The run is over here: keep it for the fleet if it is worth keeping, free the lease."""
        if self.view.cacheable:  # a finished record no longer changes: encoded off the event loop
            data = await asyncio.to_thread(lambda: codec.encode(codec.extract(self.view, Counts())))
            await self.store.keep(self.key, data)
        if self.leased:
            await self.store.release(self.key, self.token)


class Publisher:
    """Publishes a local job's runs as they train. It holds one subscription to the job while
    workers elsewhere follow it (their ``watch`` keys), so the job stops only when nobody in the
    fleet follows. ``sources[i]`` trains into ``links[i].view`` (the same record, or a run taken
    over: then only what the view lacks is copied), and ``owner`` is the follower taking over."""

    def __init__(self, job: Job, links: list[Link], unsubscribe: Callable[[list[Job]], None],
                 sources: list[RunRecord] | None = None, owner: Job | None = None):
        self.job, self.links, self.unsubscribe, self.owner = job, links, unsubscribe, owner
        self.sources = sources or [link.view for link in links]
        self.wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        job.progressed = lambda: loop.call_soon_threadsafe(self.wake.set)  # from the training thread
        job.watchers.add(self.wake)
        job.on_leave = self.wake.set  # a client here left: see at once whether anyone still follows
        job.subscribers += 1  # the fleet's hold (see ``_hold``)
        self.held, self.owned = True, owner is not None
        self.tick = links[0].store.block_ms / 1000

    async def run(self) -> None:
        try:
            await self._publish()
        except asyncio.CancelledError:  # the worker shuts down: followers need not wait for expiry
            for link in self.links:
                if link.leased:
                    await self.attempt(link.store.release(link.key, link.token))
            raise

    async def _publish(self) -> None:
        loop = asyncio.get_running_loop()
        checked = loop.time()
        while True:
            ended = self.job.ended.is_set()
            cancelled = self.job.cancel.is_set()
            tick = loop.time() - checked >= self.tick
            for link, src in zip(self.links, self.sources):
                if src is not link.view:
                    codec.apply(link.view, codec.extract(src, Counts.of(link.view)))
                # a stopped run is not over for the fleet: its final chunk is not published
                await self.attempt(link.push(final=not cancelled, retake=tick))
            if ended:
                break
            if tick:
                checked = loop.time()
            self._hold()
            try:
                await asyncio.wait_for(self.wake.wait(), self.tick)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()
        for link in self.links:
            await self.attempt(link.close())

    def _hold(self) -> None:
        """Let the job go once no client here follows it and no worker elsewhere does (as the
        publish just made says; with Redis down, nobody elsewhere can follow), so it stops
        within one update of its last follower leaving, as a local job does."""
        if self.owned and self.owner.cancel.is_set():
            self.owned = False
            self.unsubscribe([self.job])  # the follower's own clients left
        if self.held and self.job.subscribers <= 1:
            if any(link.leased and link.followers and link.store.state == "up" for link in self.links):
                return
            self.held = False
            self.unsubscribe([self.job])

    @staticmethod
    async def attempt(step) -> None:
        try:
            await step
        except FleetDown:
            pass  # local streams go on; the next push retries


class FleetJob(Job):
    """A run training on another worker, followed here through its live stream."""

    def __init__(self, link: Link, port: Port):
        super().__init__([link.view])
        self.link, self.port = link, port

    async def follow(self) -> None:
        try:
            if not await self._read():
                await self._take_over()
            else:
                await Publisher.attempt(self.link.store.unwatch(self.link.key))
        finally:
            if not self.link.view.finished:
                self.skip()
            self.port.settle(self)
            self.finish()

    async def _read(self) -> bool:
        """Fill the record from the live stream; False when this worker must train the run."""
        link, view, after = self.link, self.link.view, b"0-0"
        loop, watched = asyncio.get_running_loop(), -math.inf
        try:
            while not self.cancel.is_set() and not view.finished:
                if loop.time() - watched > link.store.block_ms / 2000:  # well within the mark's expiry
                    watched = loop.time()
                    await link.store.watch(link.key)
                entries = await link.store.read(link.key, after)
                for after, chunk in entries:
                    codec.apply(view, chunk)
                if entries or view.finished or await link.store.leased(link.key):
                    continue
                if await link.take():  # the trainer left: anything it published last?
                    for after, chunk in await link.store.read(link.key, after, block=False):
                        codec.apply(view, chunk)
                    if view.finished:
                        await link.store.release(link.key, link.token)
                    return view.finished
        except (FleetDown, codec.Gap):
            link.leased = False
            return self.cancel.is_set()
        return True

    async def _take_over(self) -> None:
        log.warning("fleet: training run %s here (%s)", self.link.key,
                    "its trainer left" if self.link.leased else "Redis is unreachable")
        await Publisher.attempt(self.link.store.unwatch(self.link.key))  # this worker trains it now
        source = RunRecord(self.link.view.config)
        job = self.port.train([source])
        job.subscribers += 1  # this follower's clients (given back once they left)
        await Publisher(job, [self.link], self.port.unsubscribe, [source], owner=self).run()
