"""Resumable stream positions: every event id is the stream's cursor after that event.

For each run ``updates.evals.done.path.boundaries`` (a ``RunCursor``: how many losses,
evaluations, path points and boundaries were sent, and whether ``done`` was), runs joined by
``_``. Ids of the first format (``updates.evals.done``) are still accepted. Reconnecting with one
as ``Last-Event-ID`` continues right after that event.
"""
from __future__ import annotations

from dataclasses import dataclass


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
