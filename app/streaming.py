"""The events of one comparison's stream, read off its run records, with resumable ids.

An event id is the stream's cursor after that event: for each run
``updates.evals.done.path.boundaries`` (how many losses, evaluations, path points and
boundaries were sent, and whether ``done`` was), runs joined by ``_``. Ids of the first
format (``updates.evals.done``) are still accepted.
Reconnecting with it as ``Last-Event-ID`` continues right after that event.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

from app.runs import RunRecord


@dataclass
class Cursor:
    sent: list[list[int]]  # per run: [updates, evals, done, path points, boundaries]

    @classmethod
    def start(cls, n_runs: int) -> Cursor:
        return cls([[0, 0, 0, 0, 0] for _ in range(n_runs)])

    @classmethod
    def parse(cls, text: str, n_runs: int) -> Cursor:
        """Raise ValueError unless ``text`` is a cursor of this comparison."""
        parts = text.strip().split("_")
        if len(parts) != n_runs:
            raise ValueError(f"Last-Event-ID {text!r} is not an event of this comparison ({n_runs} runs)")
        sent = []
        for part in parts:
            fields = part.split(".")
            if len(fields) not in (3, 5) or not all(f.isdigit() for f in fields) or fields[2] not in ("0", "1"):
                raise ValueError(f"Last-Event-ID {text!r} is not an event id of this stream")
            sent.append([int(f) for f in fields] + [0, 0][: 5 - len(fields)])
        return cls(sent)

    def __str__(self) -> str:
        return "_".join(".".join(map(str, s)) for s in self.sent)


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


def pending_events(records: list[RunRecord], cursor: Cursor, max_points: int) -> tuple[list[Event], bool]:
    """Everything the records hold beyond the cursor, advancing it; and whether all runs are done."""
    out: list[Event] = []

    def emit(event: str, data: dict) -> None:
        out.append(Event(event, dumps(data), str(cursor)))

    def points(i: int, rec: RunRecord, upto: int) -> None:
        sent = cursor.sent[i]
        while sent[0] < upto:
            end = min(upto, sent[0] + max_points)
            data = {"run": i, "first_update": sent[0] + 1, "loss": rec.loss[sent[0]:end].tolist()}
            if rec.measures_noise:
                data["grad_cosine"] = rec.cosine[sent[0]:end].tolist()
            sent[0] = end
            emit("points", data)

    def views(i: int, rec: RunRecord) -> None:
        """Path points and the newest decision boundary, up to the updates already sent."""
        sent = cursor.sent[i]
        n_path = len(rec.path)
        new = []
        while sent[3] < n_path and rec.path[sent[3]].update <= sent[0]:
            new.append([rec.path[sent[3]].update, *rec.path[sent[3]].params])
            sent[3] += 1
        if new:
            emit("path", {"run": i, "points": new})
        n_bound = len(rec.boundaries)
        latest = None
        while sent[4] < n_bound and rec.boundaries[sent[4]].update <= sent[0]:
            latest = rec.boundaries[sent[4]]
            sent[4] += 1
        if latest is not None:  # only the newest matters to a picture; older ones are skipped
            emit("boundary", {"run": i, "update": latest.update, "grid": rec.boundary_grid, "probs": latest.probs})

    for i, rec in enumerate(records):
        sent = cursor.sent[i]
        if sent[2]:
            continue
        status = rec.status  # read before the lengths: a finished record's lengths are final
        n_loss, n_evals = len(rec.loss), len(rec.evals)
        while sent[1] < n_evals and rec.evals[sent[1]].update <= n_loss:
            ev = rec.evals[sent[1]]
            points(i, rec, ev.update)
            sent[1] += 1
            emit("eval", _eval_dict(i, ev))
        points(i, rec, n_loss)
        views(i, rec)
        if rec.finished and sent[1] >= n_evals and sent[0] >= n_loss and sent[3] >= len(rec.path):
            if rec.error:
                emit("error", {"detail": f"run {i + 1}: {rec.error}"})
            sent[2] = 1
            emit("done", {"run": i, "status": status if status != "error" else "stopped", "updates": n_loss})
    return out, all(s[2] for s in cursor.sent)


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
        events, all_done = pending_events(records, cursor, max_points)
        for event in events:
            yield event
        if all_done:
            yield Event("end", "{}", str(cursor))
            return
        try:
            await asyncio.wait_for(wake.wait(), wait)
        except asyncio.TimeoutError:
            pass
        wake.clear()
        wait = min(wait * 2, tick)
