"""Encodings shared between streams, bounded in size (the run service sizes them from Settings).

``BlockMemo``: each block of updates a record receives is encoded once for every stream that
follows the record. ``ChunkMemo``: identical catch-ups (a class opening one link at once, or a
finished comparison opened again) cost one encoding, not one per student.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

from .cursors import Cursor, RunCursor
from .events import Event, block_numbers, encode, pending_events, snapshot

if TYPE_CHECKING:
    from app.services.records import RunRecord


class BlockMemo:
    """The encoded blocks of the most recently streamed records, bounded in characters, so a
    finished run is not held twice."""

    def __init__(self, max_chars: int, max_records: int):
        self.max_chars, self.max_records = max_chars, max_records
        self._records: OrderedDict[RunRecord, dict[int, tuple[str, str]]] = OrderedDict()
        self._chars = 0

    def texts(self, rec: RunRecord, j: int) -> tuple[str, str]:
        """Losses and cosines of block ``j`` of ``rec.ends``, encoded."""
        memo = self._records.get(rec)
        if memo is None:
            memo = self._records[rec] = {}
        self._records.move_to_end(rec)
        if j not in memo:
            memo[j] = block_numbers(rec, rec.ends[j - 1] if j else 0, rec.ends[j])
            self._chars += len(memo[j][0]) + len(memo[j][1])
            while len(self._records) > 1 and (self._chars > self.max_chars or len(self._records) > self.max_records):
                _, dropped = self._records.popitem(last=False)
                self._chars -= sum(len(x) + len(y) for x, y in dropped.values())
        return memo[j]


class ChunkMemo:
    """Encoded chunks by (records, cursor, snapshot, event size)."""

    def __init__(self, max_bytes: int, max_chunks: int, blocks: BlockMemo | None = None):
        self.max_bytes, self.max_chunks, self.blocks = max_bytes, max_chunks, blocks
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
        events = pending_events(records, cursor, max_points, key[2], self.blocks)
        if cursor.all_done:
            events.append(Event("end", "{}", str(cursor)))
        data = encode(events)
        if data:  # the records stay referenced, so their ids are not reused while the key lives
            self._chunks[key] = (data, [replace(run) for run in cursor.runs], records)
            self._bytes += len(data)
            while self._chunks and (self._bytes > self.max_bytes or len(self._chunks) > self.max_chunks):
                self._bytes -= len(self._chunks.popitem(last=False)[1][0])
        return data
