"""A run's history in chunks: what one record holds beyond given counts, applied to another
record, and as compact bytes for Redis (a live stream's entries and a finished run alike).

Counts are cursors of positions in the run (updates, evaluations, path points, boundaries), so
a chunk applies after any prefix of the same run: whoever trained it, from wherever it resumed.
Numbers travel as raw float64 (losses, cosines, path points, boundaries), the rest as JSON that
keeps NaN and infinities.
"""
from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from app.engine import Boundary, Eval, PathPoint, RunStatus
from app.services import RunRecord

FORMAT = b"G1"
COMPRESS_ABOVE = 2048  # bytes; small live entries are not worth zlib's time


class Gap(Exception):
    """A chunk starts beyond what a record holds: it cannot be applied."""


@dataclass(frozen=True)
class Counts:
    updates: int = 0
    evals: int = 0
    path: int = 0
    boundaries: int = 0
    started: bool = False

    @classmethod
    def of(cls, rec: RunRecord) -> Counts:
        return cls(len(rec.loss), len(rec.evals), len(rec.path), len(rec.boundaries), rec.status != RunStatus.PENDING)


@dataclass
class Chunk:
    at: Counts  # where this chunk starts
    ends: list[int] = field(default_factory=list)  # block ends (absolute), the last one = at.updates + len
    loss: bytes = b""
    cosine: bytes = b""
    evals: list = field(default_factory=list)
    path: list = field(default_factory=list)
    boundaries: list = field(default_factory=list)
    start: dict | None = None  # initial_params, boundary_grid, measures_noise
    final: dict | None = None  # status, error, seconds, final_params

    @property
    def end(self) -> Counts:
        """The counts after this chunk."""
        return Counts(self.at.updates + len(self.loss) // 8, self.at.evals + len(self.evals),
                      self.at.path + len(self.path), self.at.boundaries + len(self.boundaries),
                      self.at.started or self.start is not None)

    @property
    def empty(self) -> bool:
        return self.end == self.at and self.final is None


def extract(src: RunRecord, at: Counts) -> Chunk:
    """What ``src`` holds beyond ``at``. Read as streams read: status first (a finished record's
    lengths are final), then losses, then the lists appended before the losses they follow."""
    status = src.status
    n = len(src.loss)
    chunk = Chunk(at)
    if n > at.updates:
        chunk.ends = [e for e in src.ends if at.updates < e <= n]
        chunk.loss = src.loss[at.updates:n].tobytes()
        chunk.cosine = src.cosine[at.updates:n].tobytes()
    chunk.evals = [list(ev) for ev in src.evals[at.evals:]]
    chunk.path = [[pt.update, list(pt.params)] for pt in src.path[at.path:]]
    chunk.boundaries = [list(b) for b in src.boundaries[at.boundaries:]]
    if status != RunStatus.PENDING and not at.started:
        chunk.start = {"initial_params": src.initial_params, "boundary_grid": src.boundary_grid,
                       "measures_noise": src.measures_noise}
    if status.ended:
        chunk.final = {"status": str(status), "error": src.error, "seconds": src.seconds,
                       "final_params": src.final_params, "early_stopped": src.early_stopped}
    return chunk


def apply(rec: RunRecord, chunk: Chunk) -> None:
    """Append the part of ``chunk`` beyond what ``rec`` holds, in the order streams expect; the
    status last (after the seconds and final parameters)."""
    have = Counts.of(rec)
    if chunk.at.updates > have.updates or chunk.at.evals > have.evals or chunk.at.path > have.path \
            or chunk.at.boundaries > have.boundaries:
        raise Gap(f"chunk at {chunk.at} beyond the record's {have}")
    if chunk.start is not None and not have.started:
        rec.initial_params = chunk.start["initial_params"]
        rec.boundary_grid = chunk.start["boundary_grid"]
        rec.measures_noise = chunk.start["measures_noise"]
        rec.status = RunStatus.RUNNING
    rec.evals.extend(Eval(*ev) for ev in chunk.evals[have.evals - chunk.at.evals:])
    rec.path.extend(PathPoint(u, tuple(p)) for u, p in chunk.path[have.path - chunk.at.path:])
    rec.boundaries.extend(Boundary(u, p) for u, p in chunk.boundaries[have.boundaries - chunk.at.boundaries:])
    loss, cosine = np.frombuffer(chunk.loss), np.frombuffer(chunk.cosine)
    start = chunk.at.updates
    for end in chunk.ends:  # the same blocks as the source: streams share their encodings
        if end > have.updates:
            a = max(start, have.updates) - chunk.at.updates
            rec.add_updates(loss[a:end - chunk.at.updates], cosine[a:end - chunk.at.updates])
        start = end
    if chunk.final is not None and not rec.finished:
        final = chunk.final
        rec.final_params, rec.error, rec.seconds = final["final_params"], final["error"], final["seconds"]
        rec.early_stopped = final.get("early_stopped", False)  # absent from an older replica's chunk
        rec.status = RunStatus(final["status"])


def _pack(rows: list) -> tuple[list, bytes]:
    """[update, numbers] rows as [update, count] pairs and one float64 blob (exact, and fast
    for the thousands of probabilities a decision boundary holds)."""
    return [[u, len(v)] for u, v in rows], np.array([x for _, v in rows for x in v], dtype=float).tobytes()


def _unpack(pairs: list, blob: bytes) -> list:
    values = np.frombuffer(blob).tolist()
    rows, i = [], 0
    for u, n in pairs:
        rows.append([u, values[i:i + n]])
        i += n
    return rows


def encode(chunk: Chunk) -> bytes:
    """The losses raw (float64 noise does not compress), everything else zlib'd when large:
    NaN cosines of unmeasured updates, probabilities rounded to 4 digits."""
    path, path_blob = _pack(chunk.path)
    bounds, bounds_blob = _pack(chunk.boundaries)
    head = json.dumps({"at": [chunk.at.updates, chunk.at.evals, chunk.at.path, chunk.at.boundaries,
                              chunk.at.started], "ends": chunk.ends, "evals": chunk.evals, "path": path,
                       "boundaries": bounds, "start": chunk.start, "final": chunk.final},
                      separators=(",", ":")).encode()
    rest = b"".join((struct.pack("<III", len(head), len(path_blob), len(bounds_blob)), head, chunk.cosine,
                     path_blob, bounds_blob))
    packed = len(rest) > COMPRESS_ABOVE
    return b"".join((FORMAT, b"z" if packed else b"-", struct.pack("<I", len(chunk.loss)), chunk.loss,
                     zlib.compress(rest, 1) if packed else rest))


def decode(data: bytes) -> Chunk:
    if data[:2] != FORMAT:
        raise ValueError("not a chunk of this format")
    (n_loss,) = struct.unpack_from("<I", data, 3)
    loss = data[7:7 + n_loss]
    rest = memoryview(zlib.decompress(data[7 + n_loss:]) if data[2:3] == b"z" else data[7 + n_loss:])
    n_head, n_path, n_bounds = struct.unpack_from("<III", rest)
    offsets = np.cumsum([12, n_head, n_loss, n_path, n_bounds]).tolist()
    head_b, cosine, path_b, bounds_b = (bytes(rest[a:b]) for a, b in zip(offsets, offsets[1:]))
    head = json.loads(head_b)
    u, e, p, b, started = head["at"]
    return Chunk(Counts(u, e, p, b, started), head["ends"], loss, cosine, head["evals"],
                 _unpack(head["path"], path_b), _unpack(head["boundaries"], bounds_b), head["start"], head["final"])


def record(config, data: bytes) -> RunRecord:
    """A finished run stored whole."""
    rec = RunRecord(config)
    apply(rec, decode(data))
    return rec
