"""The run service: what the routers use. Identical runs share one record: while it trains,
every request asking for it follows the same job; once finished it is served from the cache.
A job stops within one update of its last subscriber leaving (stream or history)."""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from app.engine import TrainConfig
from app.settings import Settings

from .budget import check_budget
from .cache import ResultCache
from .jobs import Job
from .records import RunRecord
from .scheduler import Busy, Scheduler
from .streams import Streams


@dataclass
class Stats:
    runs_started: int = 0
    cache_hits: int = 0
    streams: int = 0
    stream_seconds: float = 0.0
    finished: Counter = field(default_factory=Counter)  # by run status
    rejected: Counter = field(default_factory=Counter)  # by reason

    def stream_closed(self, seconds: float) -> None:
        self.streams += 1
        self.stream_seconds += seconds


class Subscription:
    """The records of one request's runs (in the request's order) and the jobs training them."""

    def __init__(self, service: RunService, records: list[RunRecord], jobs: list[Job]):
        self.service, self.records, self.jobs = service, records, jobs
        self._wakes: list[asyncio.Event] = []
        self._open = True

    def wake_on_end(self, wake: asyncio.Event) -> None:
        """Set ``wake`` whenever one of the jobs ends (streams gather the last points at once)."""
        self._wakes.append(wake)
        for job in self.jobs:
            job.watchers.add(wake)

    async def finished(self) -> list[RunRecord]:
        await asyncio.gather(*(job.ended.wait() for job in self.jobs))
        return self.records

    def close(self) -> None:
        if self._open:
            self._open = False
            for job in self.jobs:
                job.watchers.difference_update(self._wakes)
            self.service.unsubscribe(self.jobs)


class RunService:
    def __init__(self, settings: Settings, fleet=None):
        self.settings = settings
        self.fleet = fleet  # app.fleet.Fleet when GDV_REDIS_URL names a Redis, else None
        self._resolving: dict[TrainConfig, asyncio.Event] = {}  # runs being asked of the fleet, set once answered
        self.scheduler = Scheduler(settings.training_slots, settings.queue_size)
        self.cache = ResultCache(settings.cache_runs, settings.cache_updates)
        self.stats = Stats()
        self.streams = Streams(settings, self.subscribe, self.stats)
        self._active: dict[TrainConfig, tuple[RunRecord, Job]] = {}

    @property
    def active_runs(self) -> int:
        return len(self._active)

    def active_records(self) -> list[RunRecord]:
        return [rec for rec, _ in self._active.values()]

    def check(self, configs: list[TrainConfig]) -> list[dict]:
        """422 problems of a comparison that is too big (empty when it fits)."""
        return check_budget(configs, self.settings)

    def reject(self, reason: str) -> None:
        self.stats.rejected[reason] += 1

    async def subscribe(self, configs: list[TrainConfig],
                        admit: Callable[[list[TrainConfig]], None] | None = None) -> Subscription:
        """Records for these runs; one new job queues for those neither cached nor training
        (here or, with a fleet, anywhere: the fleet is asked first, so following a run that
        trains elsewhere never waits for a slot here). Over capacity it waits up to
        ``slot_wait_seconds`` for room, then raises ``Busy``. ``admit(new_runs)`` is called only
        when training must start, and may raise to refuse (a rate limit charges what costs, not
        streams following a run). The caller must ``close()`` the subscription."""
        deadline = asyncio.get_running_loop().time() + self.settings.slot_wait_seconds
        while True:
            records, jobs, missing = self._lookup(configs)
            claimed = await self._claim(configs, missing) if missing and self.fleet is not None else []
            try:
                if self.fleet is not None:
                    records, jobs, missing = self._lookup(configs)  # what others found while we waited
                hits = sum(1 for cfg in records if cfg in self.cache)  # local hits (the fleet counts its own)
                if claimed:
                    missing = await self.fleet.resolve(self, missing, records, jobs)
                if not missing or self.scheduler.has_room():
                    return await self._join(configs, records, jobs, missing, hits, admit)
                await self._refused(missing, jobs)  # leases back while waiting: another worker may train
            finally:
                self._release(claimed)
            try:
                await self.scheduler.wait_for_room(deadline - asyncio.get_running_loop().time())
            except Busy:
                self.reject("busy")
                raise

    async def _claim(self, configs: list[TrainConfig], missing: list[TrainConfig]) -> list[TrainConfig]:
        """Claim the runs this request asks the fleet about. Identical requests wait for the first
        one's answer (then find its records) instead of asking again; different runs are asked
        about at once. Returns the runs claimed (``_release`` them), empty when none is missing."""
        while True:
            busy = {id(self._resolving[cfg]): self._resolving[cfg] for cfg in missing if cfg in self._resolving}
            if not busy:
                break
            await asyncio.gather(*(event.wait() for event in busy.values()))
            missing = self._lookup(configs)[2]
        done = asyncio.Event()
        for cfg in missing:
            self._resolving[cfg] = done
        return missing

    def _release(self, claimed: list[TrainConfig]) -> None:
        for cfg in claimed:
            self._resolving.pop(cfg).set()

    async def _join(self, configs, records, jobs, missing, hits, admit) -> Subscription:
        """Charge and start the new training (the runs are claimed: nobody starts them meanwhile)."""
        if missing and admit is not None:  # charged only now: following a run trained anywhere is free
            try:
                admit(missing)
            except BaseException:
                await self._refused(missing, jobs)
                raise
        self.stats.cache_hits += hits
        if missing:
            job = self.train([RunRecord(cfg) for cfg in missing])
            for rec in job.records:
                records[rec.config] = rec
                self._active[rec.config] = (rec, job)
            jobs.append(job)
            if self.fleet is not None:
                self.fleet.publish(self, job)
        for job in jobs:
            job.subscribers += 1
        return Subscription(self, [records[cfg] for cfg in configs], jobs)

    async def _refused(self, missing: list[TrainConfig], jobs: list[Job]) -> None:
        """Undo a refused request's fleet look-up: leases back, followers nobody asked for stopped."""
        for job in jobs:
            if job.subscribers <= 0:
                job.cancel.set()
        if self.fleet is not None:
            await self.fleet.abandon(missing)

    def _lookup(self, configs: list[TrainConfig]) -> tuple[dict[TrainConfig, RunRecord], list[Job], list[TrainConfig]]:
        records: dict[TrainConfig, RunRecord] = {}
        jobs: list[Job] = []
        missing: list[TrainConfig] = []
        for cfg in dict.fromkeys(configs):
            cached = self.cache.get(cfg)
            active = self._active.get(cfg)
            if cached is not None:
                records[cfg] = cached
            elif active is not None and active[0].cacheable:  # final, though its job (cancelled) has not ended
                records[cfg] = active[0]
            elif active is not None and not active[1].cancel.is_set():
                records[cfg] = active[0]
                if active[1] not in jobs:
                    jobs.append(active[1])
            else:
                missing.append(cfg)
        return records, jobs, missing

    def unsubscribe(self, jobs: list[Job]) -> None:
        for job in jobs:
            job.subscribers -= 1
            if job.subscribers <= 0:
                job.cancel.set()
            elif job.on_leave is not None:
                job.on_leave()

    def train(self, records: list[RunRecord]) -> Job:
        """Queue a job training these records here (new runs, or a fleet run taken over)."""
        job = Job(records)
        self.stats.runs_started += len(records)
        self.scheduler.submit(job, self._job_done)
        return job

    def adopt(self, job: Job) -> None:
        """Requests for these runs follow this job (the fleet's: a run training elsewhere)."""
        for rec in job.records:
            self._active[rec.config] = (rec, job)

    def _job_done(self, job: Job) -> None:
        for rec in job.records:
            self.stats.finished[rec.status] += 1
        self.settle(job)

    def settle(self, job: Job) -> None:
        """A job's runs ended: no longer active, the finished ones cached."""
        for rec in job.records:
            if self._active.get(rec.config, (None,))[0] is rec:
                del self._active[rec.config]
            self.cache.put(rec)

    def shutdown(self) -> None:
        for _, job in self._active.values():
            job.cancel.set()
        self.scheduler.shutdown()
