"""The fleet as the run service sees it: ``resolve`` the runs a worker neither holds nor trains
(finished in Redis, training elsewhere, or for this worker to train) and ``publish`` a local
job. Whatever Redis does, the answer lets the worker serve: when it is down, train locally."""
from __future__ import annotations

import asyncio
import logging

from app.engine import TrainConfig
from app.services import RunRecord
from app.services.jobs import Job
from app.settings import Settings

from . import codec
from .runs import FleetJob, Link, Port, Publisher
from .store import FleetDown, Store, run_key

log = logging.getLogger("gdv.fleet")


class Fleet:
    def __init__(self, settings: Settings):
        self.store = Store(settings.redis_url, settings.redis_timeout_seconds, settings.fleet_lease_seconds)
        self.hits = 0  # finished runs served from Redis
        self._leases: dict[TrainConfig, Link] = {}  # leases taken by ``resolve`` for ``publish``
        self._tasks: set[asyncio.Task] = set()

    @property
    def state(self) -> str:
        """``up`` or ``down`` (serving locally until Redis answers again)."""
        return self.store.state

    @property
    def errors(self) -> int:
        return self.store.errors

    async def start(self) -> None:
        await self.store.start()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.store.close()

    async def resolve(self, port: Port, missing: list[TrainConfig], records: dict[TrainConfig, RunRecord],
                      jobs: list[Job]) -> list[TrainConfig]:
        """Fill ``records`` (and ``jobs``) with the runs the fleet has: finished ones (also put in
        ``port.cache``) and ones training elsewhere (followed, adopted by ``port``). Returns the
        runs this worker must train: it holds their leases, or Redis is down."""
        links = [Link(self.store, run_key(cfg)) for cfg in missing]
        try:  # one round trip for all: what a class opening one link waits for
            answers = await self.store.claim([link.key for link in links], [link.token for link in links])
        except FleetDown:
            return missing
        train = []
        for cfg, link, (kind, payload) in zip(missing, links, answers):
            if kind == "finished":
                records[cfg] = await asyncio.to_thread(codec.record, cfg, payload)  # off the event loop
                port.cache.put(records[cfg])
                self.hits += 1
            elif kind == "leased":
                link.leased, link.published = True, payload
                self._leases[cfg] = link
                train.append(cfg)
            else:
                link.view = records[cfg] = RunRecord(cfg)
                job = FleetJob(link, port)
                port.adopt(job)
                jobs.append(job)
                self._spawn(job.follow())
        return train

    async def abandon(self, configs: list[TrainConfig]) -> None:
        """Give back the leases ``resolve`` took for runs this worker will not train after all
        (a refused request), so another worker may train them at once."""
        for cfg in configs:
            link = self._leases.pop(cfg, None)
            if link is not None:
                try:
                    await self.store.release(link.key, link.token)
                except FleetDown:
                    pass  # the lease expires by itself

    def publish(self, port: Port, job: Job) -> None:
        """Publish a job this worker trains (its runs' leases taken by ``resolve``, if any)."""
        links = []
        for rec in job.records:
            link = self._leases.pop(rec.config, None) or Link(self.store, run_key(rec.config))
            link.view = rec
            links.append(link)
        self._spawn(Publisher(job, links, port.unsubscribe).run())

    def _spawn(self, work) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("fleet task failed", exc_info=task.exception())
