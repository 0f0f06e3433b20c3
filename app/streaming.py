"""The events of one comparison's stream, read off its run records, with resumable ids.

An event id is the stream's cursor after that event: for each run
``updates.evals.done.path.boundaries`` (a ``RunCursor``: how many losses, evaluations, path
points and boundaries were sent, and whether ``done`` was), runs joined by ``_``. Ids of the first
format (``updates.evals.done``) are still accepted.
Reconnecting with it as ``Last-Event-ID`` continues right after that event.
"""
from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

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


class _BlockMemo:
    """The encoded blocks of the most recently streamed records, bounded in characters: a class
    following one link encodes each block once, and a finished run is not held twice."""

    def __init__(self, max_chars: int, max_records: int):
        self.max_chars, self.max_records = max_chars, max_records
        self._records: OrderedDict[RunRecord, dict[int, tuple[str, str]]] = OrderedDict()
        self._chars = 0

    def texts(self, rec: RunRecord, j: int) -> tuple[str, str]:
        memo = self._records.get(rec)
        if memo is None:
            memo = self._records[rec] = {}
        self._records.move_to_end(rec)
        if j not in memo:
            a, b = rec.ends[j - 1] if j else 0, rec.ends[j]
            memo[j] = (_numbers(rec.loss[a:b]), _numbers(rec.cosine[a:b]) if rec.measures_noise else "")
            self._chars += len(memo[j][0]) + len(memo[j][1])
            while len(self._records) > 1 and (self._chars > self.max_chars or len(self._records) > self.max_records):
                _, dropped = self._records.popitem(last=False)
                self._chars -= sum(len(x) + len(y) for x, y in dropped.values())
        return memo[j]


_MEMO = _BlockMemo(max_chars=32_000_000, max_records=256)


def _numbers(values) -> str:
    return orjson.dumps(values.tolist())[1:-1].decode()


def _block_texts(rec: RunRecord, start: int, upto: int, max_points: int) -> tuple[int, list[tuple[str, str]]]:
    """(end, JSON texts of losses and cosines) for the points from ``start`` on: whole blocks of
    ``rec.ends``, each encoded once for every stream that follows the record; a slice where the
    stream is not at a block's start (resuming) or a block is larger than ``max_points``."""
    ends = rec.ends
    j = bisect_right(ends, start)
    end, texts = start, []
    while j < len(ends) and (ends[j - 1] if j else 0) == end and ends[j] <= upto and ends[j] - start <= max_points:
        texts.append(_MEMO.texts(rec, j))
        end = ends[j]
        j += 1
    if not texts:
        end = min(upto, start + max_points, ends[j] if j < len(ends) and ends[j] <= upto else upto)
        texts.append((_numbers(rec.loss[start:end]), _numbers(rec.cosine[start:end]) if rec.measures_noise else ""))
    return end, texts


def snapshot(records: list[RunRecord]) -> tuple:
    """What each record holds now; its status first (a finished record's lengths are final)."""
    return tuple((rec.status, len(rec.loss), len(rec.evals), len(rec.path), len(rec.boundaries)) for rec in records)


def pending_events(records: list[RunRecord], cursor: Cursor, max_points: int, held: tuple | None = None) -> list[Event]:
    """Everything the records held (at ``held``, a ``snapshot``; now if None) beyond the cursor,
    advancing it: the same cursor and snapshot always give the same events."""
    out: list[Event] = []
    held = held or snapshot(records)

    def emit(event: str, data: dict) -> None:
        out.append(Event(event, dumps(data), str(cursor)))

    def points(i: int, rec: RunRecord, sent: RunCursor, upto: int) -> None:
        while sent.updates < upto:
            start, end, texts = sent.updates, *_block_texts(rec, sent.updates, upto, max_points)
            loss = ",".join(t[0] for t in texts)
            cosine = f',"grad_cosine":[{",".join(t[1] for t in texts)}]' if rec.measures_noise else ""
            sent.updates = end
            out.append(Event("points", f'{{"run":{i},"first_update":{start + 1},"loss":[{loss}]{cosine}}}', str(cursor)))

    def views(i: int, rec: RunRecord, sent: RunCursor, n_path: int, n_bound: int) -> None:
        """Path points and the newest decision boundary, up to the updates already sent."""
        new = []
        while sent.path < n_path and rec.path[sent.path].update <= sent.updates:
            new.append([rec.path[sent.path].update, *rec.path[sent.path].params])
            sent.path += 1
        if new:
            emit("path", {"run": i, "points": new})
        latest = None
        while sent.boundaries < n_bound and rec.boundaries[sent.boundaries].update <= sent.updates:
            latest = rec.boundaries[sent.boundaries]
            sent.boundaries += 1
        if latest is not None:  # only the newest matters to a picture; older ones are skipped
            emit("boundary", {"run": i, "update": latest.update, "grid": rec.boundary_grid, "probs": latest.probs})

    for i, (rec, sent, (status, n_loss, n_evals, n_path, n_bound)) in enumerate(zip(records, cursor.runs, held)):
        if sent.done:
            continue
        while sent.evals < n_evals and rec.evals[sent.evals].update <= n_loss:
            ev = rec.evals[sent.evals]
            points(i, rec, sent, ev.update)
            sent.evals += 1
            emit("eval", {"run": i, "update": ev.update, "epoch": ev.epoch,
                          "train_loss": ev.train_loss, "val_loss": ev.val_loss})
        points(i, rec, sent, n_loss)
        views(i, rec, sent, n_path, n_bound)
        if status.ended and sent.evals >= n_evals and sent.updates >= n_loss and sent.path >= n_path:
            if rec.error:
                emit("error", {"run": i, "detail": f"run {i + 1}: {rec.error}"})
            sent.done = True
            emit("done", {"run": i, "status": status, "updates": n_loss, "seconds": rec.seconds})
    return out


def encode(events: list[Event]) -> bytes:
    """Server-sent events on the wire, several to one chunk: one socket write per wake instead of
    one per event. Ids are digits and underscores and orjson writes no newline, so no line splitting."""
    return "".join(f"id: {e.id}\r\nevent: {e.event}\r\ndata: {e.data}\r\n\r\n" for e in events).encode()


class _ChunkMemo:
    """Encoded chunks by (records, cursor, snapshot): a class opening one link at once, or a
    finished comparison opened again, costs one encoding, not one per student."""

    def __init__(self, max_bytes: int, max_chunks: int):
        self.max_bytes, self.max_chunks = max_bytes, max_chunks
        self._chunks: OrderedDict[tuple, tuple[bytes, list[RunCursor], list[RunRecord]]] = OrderedDict()
        self._bytes = 0

    def next_chunk(self, records: list[RunRecord], cursor: Cursor, max_points: int) -> bytes:
        """The events beyond ``cursor`` (with ``end`` once every run is done), advancing it."""
        key = (tuple(map(id, records)), str(cursor), snapshot(records), max_points)
        hit = self._chunks.get(key)
        if hit is not None:
            self._chunks.move_to_end(key)
            cursor.runs = [replace(run) for run in hit[1]]
            return hit[0]
        events = pending_events(records, cursor, max_points, key[2])
        if cursor.all_done:
            events.append(Event("end", "{}", str(cursor)))
        data = encode(events)
        if data:  # the records stay referenced, so their ids are not reused while the key lives
            self._chunks[key] = (data, [replace(run) for run in cursor.runs], records)
            self._bytes += len(data)
            while self._chunks and (self._bytes > self.max_bytes or len(self._chunks) > self.max_chunks):
                self._bytes -= len(self._chunks.popitem(last=False)[1][0])
        return data


_CHUNKS = _ChunkMemo(max_bytes=64_000_000, max_chunks=256)


class FirstEventsFirst:
    """Streams whose first event is not out yet go before other streams' points, so a link shows
    its plan at once even while a whole class opens it. A stream that never starts (its client
    left) stops counting after ``max_defer`` seconds, as does any stream's wait."""

    def __init__(self, max_defer: float):
        self.max_defer = max_defer
        self._opening: dict[object, float] = {}  # token -> when it opened
        self._changed = asyncio.Event()

    def open(self) -> object:
        token = object()
        self._opening[token] = time.monotonic()
        return token

    def opened(self, token: object) -> None:
        if self._opening.pop(token, None) is not None:
            self._changed.set()

    async def wait_turn(self) -> None:
        """Until no stream is opening (or ``max_defer`` seconds)."""
        deadline = time.monotonic() + self.max_defer
        while self._opening:
            now = time.monotonic()
            for token, began in list(self._opening.items()):
                if now - began > self.max_defer:
                    del self._opening[token]
            if not self._opening or now >= deadline:
                return
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - now)
            except asyncio.TimeoutError:
                return


async def comparison_stream(plan: dict, records: list[RunRecord], cursor: Cursor | None,
                            tick: float, max_points: int, wake: asyncio.Event | None = None,
                            turns: FirstEventsFirst | None = None, token: object = None) -> AsyncIterator[bytes]:
    """Chunks of encoded events: plan (unless resuming), then points/eval/done as the runs
    progress, then end. New points are gathered every ``tick`` seconds, or at once when ``wake``
    is set."""
    wake = wake or asyncio.Event()
    wait = min(0.005, tick)  # short first waits bring the first points soon; then every tick
    if cursor is None:
        cursor = Cursor.start(len(records))
        yield encode([Event("plan", dumps(plan), str(cursor))])
    if turns:
        turns.opened(token)
    while True:
        if turns:
            await turns.wait_turn()
        chunk = _CHUNKS.next_chunk(records, cursor, max_points)
        if chunk:
            yield chunk
        if cursor.all_done:
            return
        try:
            await asyncio.wait_for(wake.wait(), wait)
        except asyncio.TimeoutError:
            pass
        wake.clear()
        wait = min(wait * 2, tick)
