"""The events of one comparison's stream, read off its run records, with resumable ids.

An event id is the stream's cursor after that event: for each run
``updates.evals.done.path.boundaries`` (a ``RunCursor``: how many losses, evaluations, path
points and boundaries were sent, and whether ``done`` was), runs joined by ``_``. Ids of the first
format (``updates.evals.done``) are still accepted.
Reconnecting with it as ``Last-Event-ID`` continues right after that event.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from app.services import RunRecord


@dataclass
class RunCursor:
    """What one run's stream has sent so far."""

    updates: int = 0
    evals: int = 0
    done: bool = False
    path: int = 0  # path points
    boundaries: int = 0

    def __str__(self) -> str:
        return f"{self.updates}.{self.evals}.{int(self.done)}.{self.path}.{self.boundaries}"


@dataclass
class Cursor:
    runs: list[RunCursor]

    @classmethod
    def start(cls, n_runs: int) -> Cursor:
        return cls([RunCursor() for _ in range(n_runs)])

    @classmethod
    def parse(cls, text: str, n_runs: int) -> Cursor:
        """Raise ValueError unless ``text`` is a cursor of this comparison."""
        parts = text.strip().split("_")
        if len(parts) != n_runs:
            raise ValueError(f"Last-Event-ID {text!r} is not an event of this comparison ({n_runs} runs)")
        runs = []
        for part in parts:
            fields = part.split(".")
            if len(fields) not in (3, 5) or not all(f.isdigit() for f in fields) or fields[2] not in ("0", "1"):
                raise ValueError(f"Last-Event-ID {text!r} is not an event id of this stream")
            updates, evals, done, path, boundaries = [int(f) for f in fields] + [0, 0][: 5 - len(fields)]
            runs.append(RunCursor(updates, evals, bool(done), path, boundaries))
        return cls(runs)

    @property
    def all_done(self) -> bool:
        return all(run.done for run in self.runs)

    def __str__(self) -> str:
        return "_".join(map(str, self.runs))


def dumps(data: object) -> str:
    """JSON with non-finite numbers as null (orjson's behaviour for NaN and infinities)."""
    return orjson.dumps(data).decode()


@dataclass
class Event:
    event: str
    data: str
    id: str


def _eval_dict(run: int, ev) -> dict:
    return {"run": run, "update": ev.update, "epoch": ev.epoch,
            "train_loss": ev.train_loss, "val_loss": ev.val_loss}


def pending_events(records: list[RunRecord], cursor: Cursor, max_points: int) -> list[Event]:
    """Everything the records hold beyond the cursor, advancing it."""
    out: list[Event] = []

    def emit(event: str, data: dict) -> None:
        out.append(Event(event, dumps(data), str(cursor)))

    def points(i: int, rec: RunRecord, sent: RunCursor, upto: int) -> None:
        while sent.updates < upto:
            end = min(upto, sent.updates + max_points)
            data = {"run": i, "first_update": sent.updates + 1, "loss": rec.loss[sent.updates:end].tolist()}
            if rec.measures_noise:
                data["grad_cosine"] = rec.cosine[sent.updates:end].tolist()
            sent.updates = end
            emit("points", data)

    def views(i: int, rec: RunRecord, sent: RunCursor) -> None:
        """Path points and the newest decision boundary, up to the updates already sent."""
        n_path = len(rec.path)
        new = []
        while sent.path < n_path and rec.path[sent.path].update <= sent.updates:
            new.append([rec.path[sent.path].update, *rec.path[sent.path].params])
            sent.path += 1
        if new:
            emit("path", {"run": i, "points": new})
        n_bound = len(rec.boundaries)
        latest = None
        while sent.boundaries < n_bound and rec.boundaries[sent.boundaries].update <= sent.updates:
            latest = rec.boundaries[sent.boundaries]
            sent.boundaries += 1
        if latest is not None:  # only the newest matters to a picture; older ones are skipped
            emit("boundary", {"run": i, "update": latest.update, "grid": rec.boundary_grid, "probs": latest.probs})

    for i, (rec, sent) in enumerate(zip(records, cursor.runs)):
        if sent.done:
            continue
        status = rec.status  # read before the lengths: a finished record's lengths are final
        n_loss, n_evals = len(rec.loss), len(rec.evals)
        while sent.evals < n_evals and rec.evals[sent.evals].update <= n_loss:
            ev = rec.evals[sent.evals]
            points(i, rec, sent, ev.update)
            sent.evals += 1
            emit("eval", {"run": i, "update": ev.update, "epoch": ev.epoch,
                          "train_loss": ev.train_loss, "val_loss": ev.val_loss})
        points(i, rec, sent, n_loss)
        views(i, rec, sent)
        if status.ended and sent.evals >= n_evals and sent.updates >= n_loss and sent.path >= len(rec.path):
            if rec.error:
                emit("error", {"run": i, "detail": f"run {i + 1}: {rec.error}"})
            sent.done = True
            emit("done", {"run": i, "status": status, "updates": n_loss, "seconds": rec.seconds})
    return out


async def comparison_stream(plan: dict, records: list[RunRecord], cursor: Cursor | None,
                            tick: float, max_points: int,
                            wake: asyncio.Event | None = None) -> AsyncIterator[Event]:
    """plan (unless resuming), then points/eval/done as the runs progress, then end.
    New points are gathered every ``tick`` seconds, or at once when ``wake`` is set."""
    wake = wake or asyncio.Event()
    wait = min(0.005, tick)  # short first waits bring the first points soon; then every tick
    if cursor is None:
        cursor = Cursor.start(len(records))
        yield Event("plan", dumps(plan), str(cursor))
    while True:
        for event in pending_events(records, cursor, max_points):
            yield event
        if cursor.all_done:
            yield Event("end", "{}", str(cursor))
            return
        try:
            await asyncio.wait_for(wake.wait(), wait)
        except asyncio.TimeoutError:
            pass
        wake.clear()
        wait = min(wait * 2, tick)
