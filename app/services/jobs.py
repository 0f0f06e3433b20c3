"""A job trains a few runs in one worker thread, interleaved so their progress stays level.

It stops within one update once ``cancel`` is set (nobody waits for it any more).
"""
from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from app.engine import Boundary, Done, Eval, PathPoint, RunStatus, Step, Trainer, Updates, compiled

from .records import RunRecord

ROUNDS = 500  # each run advances in slices of about 1/ROUNDS of its updates ...
MIN_SLICE = 256  # ... but at least this many (a slice has a fixed cost of some microseconds)
CHUNK = 2000  # at most this many updates arrive at once (streams stay live on long runs)


class Cancel(threading.Event):
    """Set once nobody waits for the job; it also raises every training run's stop flag, which
    the update loops (numpy or compiled) check before each update."""

    def __init__(self):
        super().__init__()
        self._flags: list = []

    def watch(self, flag) -> None:
        self._flags.append(flag)
        if self.is_set():
            flag[0] = 1

    def set(self) -> None:
        super().set()
        for flag in self._flags:
            flag[0] = 1


@dataclass(eq=False)
class LiveRun:
    record: RunRecord
    trainer: Trainer
    steps: Iterator[Step]
    quantum: int  # updates per slice

    @property
    def progress(self) -> float:
        return len(self.record.loss) / self.trainer.plan.total_updates


class Job:
    def __init__(self, records: list[RunRecord], *, trainer=None, warm=None, clock=None):
        """trainer, warm, clock: how a run is built, the kernels loaded and compute time read
        (default: Trainer, compiled.warm, this thread's CPU time; tests give their own)."""
        self.records = records
        self.trainer, self.warm, self.clock = trainer or Trainer, warm or compiled.warm, clock or time.thread_time
        self.subscribers = 0
        self.cancel = Cancel()
        self.ended = asyncio.Event()  # set on the event loop once every run has ended
        self.watchers: set[asyncio.Event] = set()  # streams to wake when the job ends
        self.progressed = None  # called in the worker thread after each slice (the fleet publishes)
        self.on_leave = None  # called on the event loop when a subscriber leaves (the fleet checks who follows)

    def run(self) -> None:
        """Worker thread: train every run to its end, or until cancelled."""
        # the kernels load once per process (at start-up, in the background): a run's seconds are
        # its own compute, so its clock starts after they are in. The clock is this thread's CPU
        # time (one BLAS thread; the kernels run here): what other requests do meanwhile (drawing
        # a picture, another comparison) is not this run's cost
        self.warm()
        live = [run for run in map(self._start, self.records) if run is not None]
        for run in live:
            self.cancel.watch(run.trainer.stop)
        while live and not self.cancel.is_set():
            run = min(live, key=lambda r: r.progress)  # the run furthest behind goes next
            began = self.clock()
            try:
                status = self._advance(run)
            except Exception as exc:  # noqa: BLE001 - reported on the stream, never a 500
                run.record.seconds += self.clock() - began
                run.record.fail(f"training failed: {exc}")
                live.remove(run)
                continue
            run.record.seconds += self.clock() - began
            if status is not None:  # after its seconds: a reader seeing the status sees them final
                run.record.status = status
                live.remove(run)
            if self.progressed:
                self.progressed()
        self.skip()

    def skip(self) -> None:
        """Runs that did not end (cancelled, or never started) end as stopped."""
        for rec in self.records:
            if not rec.finished:
                rec.status = RunStatus.STOPPED

    def finish(self) -> None:
        """On the event loop: wake whoever waits for this job."""
        self.ended.set()
        for wake in self.watchers:
            wake.set()

    def _start(self, rec: RunRecord) -> LiveRun | None:
        began = self.clock()
        try:
            trainer = self.trainer(rec.config, measure_noise=True)
        except Exception as exc:  # noqa: BLE001
            rec.fail(f"could not start the run: {exc}")
            return None
        rec.initial_params = trainer.initial_params
        rec.boundary_grid = trainer.boundary_grid
        rec.measures_noise = trainer.noise_every > 0
        rec.status = RunStatus.RUNNING
        rec.seconds = self.clock() - began
        quantum = max(MIN_SLICE, math.ceil(trainer.plan.total_updates / ROUNDS))
        trainer.chunk = min(quantum, CHUNK)
        return LiveRun(rec, trainer, trainer.steps(), quantum)

    def _advance(self, run: LiveRun) -> RunStatus | None:
        """One slice of a run; its final status once it has ended. The slice's updates reach the
        record as one block (streams send and share whole blocks); evaluations, path points and
        boundaries go in before the losses they follow."""
        rec = run.record
        target = len(rec.loss) + run.quantum
        losses, cosines = [], []
        status = None
        for step in run.steps:
            kind = type(step)
            if kind is Updates:
                losses.append(step.losses)
                cosines.append(step.cosines)
                if len(rec.loss) + sum(map(len, losses)) >= target or self.cancel.is_set():
                    break
            elif kind is Eval:
                rec.evals.append(step)
            elif kind is PathPoint:
                rec.path.append(step)
            elif kind is Boundary:
                rec.boundaries.append(step)
            elif kind is Done:
                rec.final_params, rec.early_stopped = run.trainer.final_params, step.early_stopped
                status = step.status
                break
        else:
            status = rec.status if rec.finished else RunStatus.STOPPED  # the steps ran out without Done
        if losses:
            rec.add_updates(np.concatenate(losses), np.concatenate(cosines))
        return status
