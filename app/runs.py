"""Training jobs off the event loop, capped by slots, shared by identical runs, and cached.

A ``RunRecord`` is the append-only history of one run, written by a worker thread and read by
any number of streams. Identical runs (same engine configuration) share one record: while it
trains, every stream asking for it follows the same job; once it finished, it is served from a
bounded LRU cache. A job stops within one update of its last subscriber leaving.
"""
from __future__ import annotations

import asyncio
import math
import threading
import time
from array import array
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from app.engine import DATASETS, Boundary, Done, Eval, PathPoint, TrainConfig, Trainer, Update, make_plan
from app.settings import Settings

FINAL = ("completed", "diverged")  # worth caching
ENDED = (*FINAL, "stopped", "error")


@dataclass(eq=False)
class RunRecord:
    config: TrainConfig
    loss: array = field(default_factory=lambda: array("d"))
    cosine: array = field(default_factory=lambda: array("d"))  # NaN where not measured
    evals: list[Eval] = field(default_factory=list)
    path: list[PathPoint] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    boundary_grid: dict | None = None
    measures_noise: bool = False
    status: str = "pending"  # pending | running | completed | diverged | stopped | error
    error: str | None = None
    initial_params: dict | None = None
    final_params: dict | None = None
    wall_seconds: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status in ENDED


class Busy(Exception):
    """Every training slot is taken."""


class Job:
    """Trains a few runs in one worker thread, interleaved so their progress stays level."""

    ROUNDS = 500  # each run advances in slices of about 1/ROUNDS of its updates

    def __init__(self, records: list[RunRecord]):
        self.records = records
        self.subscribers = 0
        self.cancel = threading.Event()
        self.watchers: set[asyncio.Event] = set()  # streams to wake when the job ends

    def run(self) -> None:
        live = []
        for rec in self.records:
            try:
                trainer = Trainer(rec.config, measure_noise=True)
            except Exception as exc:  # noqa: BLE001 - reported to the stream, never a 500
                rec.status, rec.error = "error", f"could not start the run: {exc}"
                continue
            rec.initial_params = trainer.initial_params
            rec.boundary_grid = trainer.boundary_grid
            rec.measures_noise = trainer.noise_every > 0
            rec.status = "running"
            quantum = max(1, math.ceil(trainer.plan.total_updates / self.ROUNDS))
            live.append([rec, trainer, trainer.steps(), quantum, 0.0])
        while live and not self.cancel.is_set():
            # advance the run that is furthest behind, as a fraction of its own updates
            entry = min(live, key=lambda e: len(e[0].loss) / e[1].plan.total_updates)
            rec, trainer, steps, quantum, _ = entry
            t0 = time.perf_counter()
            try:
                ended = self._advance(rec, trainer, steps, quantum)
            except Exception as exc:  # noqa: BLE001
                rec.status, rec.error, ended = "error", f"training failed: {exc}", True
            entry[4] += time.perf_counter() - t0
            rec.wall_seconds = entry[4]
            if ended:
                live.remove(entry)
        for rec, *_ in live:
            rec.status = "stopped"

    def _advance(self, rec: RunRecord, trainer: Trainer, steps, quantum: int) -> bool:
        append_loss, append_cos, cancel = rec.loss.append, rec.cosine.append, self.cancel
        target = len(rec.loss) + quantum
        nan = math.nan
        for step in steps:
            if type(step) is Update:
                cos = step.grad_cosine
                append_cos(nan if cos is None else cos)  # before the loss: readers go by len(loss)
                append_loss(step.loss)
                if len(rec.loss) >= target or cancel.is_set():
                    return False
            elif type(step) is Eval:
                rec.evals.append(step)
            elif type(step) is PathPoint:
                rec.path.append(step)
            elif type(step) is Boundary:
                rec.boundaries.append(step)
            elif type(step) is Done:
                rec.final_params = trainer.final_params
                rec.status = step.status
                return True
        return True


class RunService:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.executor = ThreadPoolExecutor(settings.training_slots, thread_name_prefix="train")
        # one BLAS thread per slot (as fast for these sizes, measured in bench/engine.py); set once
        # for the process, since a per-job context would undo it under another running job
        self._blas = threadpool_limits(limits=1)
        self.slots = asyncio.Semaphore(settings.training_slots)
        self.queued = 0  # jobs waiting for a slot
        self.cache: OrderedDict[TrainConfig, RunRecord] = OrderedDict()
        self.active: dict[TrainConfig, tuple[RunRecord, Job]] = {}
        self.stats = {"runs_started": 0, "cache_hits": 0, "streams": 0, "stream_seconds": 0.0,
                      "finished": {}, "rejected": {}}

    @property
    def slots_in_use(self) -> int:
        return self.settings.training_slots - self.slots._value

    async def subscribe(self, configs: list[TrainConfig]) -> tuple[list[RunRecord], list[Job]]:
        """Records for these runs, queueing one job for those neither cached nor training.

        A job waits in a queue for a training slot; while the queue is full a request waits up
        to ``slot_wait_seconds`` for room, then gets ``Busy`` (503). Identical runs asked for
        meanwhile follow the queued job. The caller must ``unsubscribe`` the returned jobs."""
        waited = 0.0
        while True:
            records: dict[TrainConfig, RunRecord] = {}
            jobs: list[Job] = []
            missing: list[TrainConfig] = []
            for cfg in configs:
                if cfg in records:
                    continue
                if cfg in self.cache:
                    self.cache.move_to_end(cfg)
                    records[cfg] = self.cache[cfg]
                elif cfg in self.active and not self.active[cfg][1].cancel.is_set():
                    rec, job = self.active[cfg]
                    records[cfg] = rec
                    if job not in jobs:
                        jobs.append(job)
                else:
                    missing.append(cfg)
            if not missing or self._has_room():
                break
            if waited >= self.settings.slot_wait_seconds:
                self.reject("busy")
                raise Busy
            await asyncio.sleep(0.05)
            waited += 0.05
        self.stats["cache_hits"] += sum(1 for cfg in records if cfg in self.cache)
        if missing:
            job = Job([RunRecord(cfg) for cfg in missing])
            for rec in job.records:
                records[rec.config] = rec
                self.active[rec.config] = (rec, job)
            jobs.append(job)
            self.stats["runs_started"] += len(missing)
            self.queued += 1
            asyncio.get_running_loop().create_task(self._run_when_slot_free(job))
        for job in jobs:
            job.subscribers += 1
        return [records[cfg] for cfg in configs], jobs

    def _has_room(self) -> bool:
        free = self.settings.training_slots - self.slots_in_use
        return self.queued < free + self.settings.queue_size

    async def _run_when_slot_free(self, job: Job) -> None:
        try:
            await self.slots.acquire()
        finally:
            self.queued -= 1
        if job.cancel.is_set():  # everyone left while it queued: nothing to train
            for rec in job.records:
                rec.status = "stopped"
            return self._job_done(job)
        future = asyncio.get_running_loop().run_in_executor(self.executor, job.run)
        future.add_done_callback(lambda _f: self._job_done(job))

    def reject(self, reason: str) -> None:
        self.stats["rejected"][reason] = self.stats["rejected"].get(reason, 0) + 1

    def unsubscribe(self, jobs: list[Job]) -> None:
        for job in jobs:
            job.subscribers -= 1
            if job.subscribers <= 0:
                job.cancel.set()

    def _job_done(self, job: Job) -> None:
        self.slots.release()
        for wake in job.watchers:
            wake.set()
        for rec in job.records:
            finished = self.stats["finished"]
            finished[rec.status] = finished.get(rec.status, 0) + 1
            if self.active.get(rec.config, (None,))[0] is rec:
                del self.active[rec.config]
            if rec.status in FINAL:
                self.cache[rec.config] = rec
        self._trim_cache()

    def _trim_cache(self) -> None:
        total = sum(len(r.loss) for r in self.cache.values())
        while self.cache and (len(self.cache) > self.settings.cache_runs or total > self.settings.cache_updates):
            _, old = self.cache.popitem(last=False)
            total -= len(old.loss)

    def check_limits(self, configs: list[TrainConfig]) -> list[tuple[str, str]]:
        """(key, message) for every size limit this comparison exceeds (empty when it fits)."""
        s = self.settings
        problems = []
        for cfg in configs:
            if cfg.dataset != "digits" and cfg.n_samples > s.max_dataset_size:
                problems.append(("n_samples", f"n_samples={cfg.n_samples} is over the limit "
                                 f"max_dataset_size={s.max_dataset_size} examples"))
                break
        unique = list(dict.fromkeys(configs))
        plans = [make_plan(c) for c in unique]
        total = sum(p.total_updates for p in plans)
        if total > s.max_total_updates:
            problems.append(("epochs", f"this comparison makes {total} updates in all; the limit is "
                             f"max_total_updates={s.max_total_updates} (fewer epochs, larger batches or fewer runs)"))
        work = sum(p.total_updates * p.batch_size * n_params(c) for p, c in zip(plans, unique))
        if work > s.max_work:
            problems.append(("epochs", f"this comparison needs {work:.3g} units of work (updates x batch "
                             f"size x parameters); the limit is max_work={s.max_work:.3g}"))
        return problems

    def shutdown(self) -> None:
        for _, job in self.active.values():
            job.cancel.set()
        self.executor.shutdown(wait=False, cancel_futures=True)


def n_params(cfg: TrainConfig) -> int:
    """Trainable parameters of a configuration's model, without building it."""
    info = DATASETS[cfg.dataset]
    if cfg.resolved_model != "mlp":
        return (info.n_features + 1) * info.n_outputs
    sizes = [info.n_features, *cfg.hidden, info.n_outputs]
    dense = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    return dense + (2 * sum(cfg.hidden) if cfg.batch_norm else 0)
