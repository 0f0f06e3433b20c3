"""Finished runs kept for identical links: least recently used first out, bounded by runs and
by losses held in all."""
from __future__ import annotations

from collections import OrderedDict

from app.engine import TrainConfig

from .records import RunRecord


class ResultCache:
    def __init__(self, max_runs: int, max_updates: int):
        self.max_runs, self.max_updates = max_runs, max_updates
        self._runs: OrderedDict[TrainConfig, RunRecord] = OrderedDict()
        self._updates = 0

    def __len__(self) -> int:
        return len(self._runs)

    def __contains__(self, config: TrainConfig) -> bool:
        return config in self._runs

    def get(self, config: TrainConfig) -> RunRecord | None:
        rec = self._runs.get(config)
        if rec is not None:
            self._runs.move_to_end(config)
        return rec

    def put(self, rec: RunRecord) -> None:
        """Keep a run whose numbers the same link would give again (completed, diverged or early-stopped)."""
        if not rec.cacheable:
            return
        old = self._runs.pop(rec.config, None)
        self._updates += len(rec.loss) - (len(old.loss) if old else 0)
        self._runs[rec.config] = rec
        while self._runs and (len(self._runs) > self.max_runs or self._updates > self.max_updates):
            _, dropped = self._runs.popitem(last=False)
            self._updates -= len(dropped.loss)
