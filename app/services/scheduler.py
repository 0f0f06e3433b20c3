"""Training slots and the queue in front of them.

A job waits in a bounded queue for one of ``slots`` worker threads; past the queue a request
waits up to a deadline for room, woken when a job starts or ends (no polling), then gets
``Busy`` (503). A job whose subscribers all left while it queued is not trained at all.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import threadpool_limits

from .jobs import Job


class Busy(Exception):
    """Every training slot and queue place is taken."""


class Scheduler:
    def __init__(self, slots: int, queue_size: int):
        self.slots, self.queue_size = slots, queue_size
        self.in_use = 0  # jobs training now
        self.queued = 0  # jobs waiting for a slot
        self._executor = ThreadPoolExecutor(slots, thread_name_prefix="train")
        # one BLAS thread per slot (as fast for these sizes, see bench/engine.py); set once for
        # the process, since a per-job context would undo it under another running job
        self._blas = threadpool_limits(limits=1)
        self._free = asyncio.Semaphore(slots)
        self._changed = asyncio.Condition()

    @property
    def free(self) -> int:
        return self.slots - self.in_use

    def has_room(self) -> bool:
        return self.queued < self.free + self.queue_size

    async def wait_for_room(self, timeout: float) -> None:
        """Return once a new job may queue; ``Busy`` after ``timeout`` seconds without room."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(self.has_room), timeout)
            except asyncio.TimeoutError:
                raise Busy from None

    def submit(self, job: Job, on_done: Callable[[Job], None]) -> None:
        """Queue the job; once it ended (or was skipped) ``on_done(job)`` runs on the event loop,
        then the job's waiters are woken."""
        self.queued += 1
        asyncio.get_running_loop().create_task(self._run(job, on_done))

    async def _run(self, job: Job, on_done: Callable[[Job], None]) -> None:
        try:
            await self._free.acquire()
        finally:
            self.queued -= 1
        self.in_use += 1
        await self._notify()
        try:
            if job.cancel.is_set():  # everyone left while it queued: nothing to train
                job.skip()
            else:
                await asyncio.get_running_loop().run_in_executor(self._executor, job.run)
        finally:
            self.in_use -= 1
            self._free.release()
            on_done(job)  # the service files the results before anyone waiting is woken
            job.finish()
            await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
