"""A comparison's stream events, read off its run records beyond a cursor: pure encoding.

The same records, cursor and snapshot always give the same events; every event's id is the
cursor after it (``cursors``). JSON is written by orjson (non-finite numbers as null); the loss
lists of whole blocks come pre-encoded (``caches.BlockMemo``) and go in as fragments.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import orjson

from .cursors import Cursor

if TYPE_CHECKING:  # records are only read here; the run service imports this package
    from app.services.records import RunRecord


@dataclass
class Event:
    event: str
    data: str
    id: str


class Blocks(Protocol):
    def texts(self, rec: RunRecord, j: int) -> tuple[str, str]: ...


def dumps(data: object) -> str:
    """JSON with non-finite numbers as null (orjson's behaviour for NaN and infinities)."""
    return orjson.dumps(data).decode()


def encode(events: list[Event]) -> bytes:
    """Server-sent events on the wire, several to one chunk: one socket write per wake instead of
    one per event. Ids are digits and underscores and orjson writes no newline, so no line splitting."""
    return "".join(f"id: {e.id}\r\nevent: {e.event}\r\ndata: {e.data}\r\n\r\n" for e in events).encode()


def numbers(values) -> str:
    """The inside of a JSON list of floats."""
    return orjson.dumps(values.tolist())[1:-1].decode()


def block_numbers(rec: RunRecord, a: int, b: int) -> tuple[str, str]:
    """The losses and (where measured) gradient cosines of updates a+1 .. b, encoded."""
    return numbers(rec.loss[a:b]), numbers(rec.cosine[a:b]) if rec.measures_noise else ""


def block_texts(rec: RunRecord, start: int, upto: int, max_points: int,
                blocks: Blocks | None = None) -> tuple[int, list[tuple[str, str]]]:
    """(end, encoded losses and cosines) for the points from ``start`` on: whole blocks of
    ``rec.ends`` (from ``blocks``, encoded once for every stream that follows the record); a
    slice where the stream is not at a block's start (resuming) or a block is larger than
    ``max_points``."""
    ends = rec.ends
    j = bisect_right(ends, start)
    end, texts = start, []
    while j < len(ends) and (ends[j - 1] if j else 0) == end and ends[j] <= upto and ends[j] - start <= max_points:
        texts.append(blocks.texts(rec, j) if blocks else block_numbers(rec, end, ends[j]))
        end = ends[j]
        j += 1
    if not texts:
        end = min(upto, start + max_points, ends[j] if j < len(ends) and ends[j] <= upto else upto)
        texts.append(block_numbers(rec, start, end))
    return end, texts


def json_list(parts: Iterable[str]) -> orjson.Fragment:
    return orjson.Fragment("[" + ",".join(parts) + "]")


def snapshot(records: list[RunRecord]) -> tuple:
    """What each record holds now; its status first (a finished record's lengths are final)."""
    return tuple((rec.status, len(rec.loss), len(rec.evals), len(rec.path), len(rec.boundaries)) for rec in records)


def pending_events(records: list[RunRecord], cursor: Cursor, max_points: int, held: tuple | None = None,
                   blocks: Blocks | None = None) -> list[Event]:
    """Everything the records held (at ``held``, a ``snapshot``; now if None) beyond the cursor,
    advancing it: the same cursor and snapshot always give the same events."""
    out: list[Event] = []
    for i, (rec, counts) in enumerate(zip(records, held or snapshot(records))):
        if not cursor.runs[i].done:
            RunEvents(i, rec, cursor, out, max_points, blocks).read(*counts)
    return out


class RunEvents:
    """The events of run ``i`` beyond its part of ``cursor``, appended to ``out``."""

    def __init__(self, i: int, rec: RunRecord, cursor: Cursor, out: list[Event], max_points: int,
                 blocks: Blocks | None):
        self.i, self.rec, self.cursor, self.out = i, rec, cursor, out
        self.sent = cursor.runs[i]
        self.max_points, self.blocks = max_points, blocks

    def emit(self, event: str, data: dict) -> None:
        self.out.append(Event(event, dumps(data), str(self.cursor)))

    def read(self, status, n_loss: int, n_evals: int, n_path: int, n_bound: int) -> None:
        """Evaluations after the points they follow, the rest of the points, the views, and
        ``done`` once everything of an ended run is out."""
        rec, sent = self.rec, self.sent
        while sent.evals < n_evals and rec.evals[sent.evals].update <= n_loss:
            ev = rec.evals[sent.evals]
            self.points(ev.update)
            sent.evals += 1
            self.emit("eval", {"run": self.i, "update": ev.update, "epoch": ev.epoch,
                               "train_loss": ev.train_loss, "val_loss": ev.val_loss})
        self.points(n_loss)
        self.path(n_path)
        self.boundary(n_bound)
        if status.ended and sent.evals >= n_evals and sent.updates >= n_loss and sent.path >= n_path:
            if rec.error:
                self.emit("error", {"run": self.i, "detail": f"run {self.i + 1}: {rec.error}"})
            sent.done = True
            self.emit("done", {"run": self.i, "status": status, "updates": n_loss, "seconds": rec.seconds})

    def points(self, upto: int) -> None:
        rec, sent = self.rec, self.sent
        while sent.updates < upto:
            start = sent.updates
            sent.updates, texts = block_texts(rec, start, upto, self.max_points, self.blocks)
            data = {"run": self.i, "first_update": start + 1, "loss": json_list(t[0] for t in texts)}
            if rec.measures_noise:
                data["grad_cosine"] = json_list(t[1] for t in texts)
            self.emit("points", data)

    def path(self, n_path: int) -> None:
        """Path points up to the updates already sent."""
        rec, sent, new = self.rec, self.sent, []
        while sent.path < n_path and rec.path[sent.path].update <= sent.updates:
            new.append([rec.path[sent.path].update, *rec.path[sent.path].params])
            sent.path += 1
        if new:
            self.emit("path", {"run": self.i, "points": new})

    def boundary(self, n_bound: int) -> None:
        """The newest decision boundary up to the updates already sent; older ones are skipped,
        only the newest matters to a picture."""
        rec, sent, latest = self.rec, self.sent, None
        while sent.boundaries < n_bound and rec.boundaries[sent.boundaries].update <= sent.updates:
            latest = rec.boundaries[sent.boundaries]
            sent.boundaries += 1
        if latest is not None:
            self.emit("boundary", {"run": self.i, "update": latest.update, "grid": rec.boundary_grid,
                                   "probs": latest.probs})
