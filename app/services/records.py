"""The append-only history of one run: written by its training thread, read by any number of
streams. Readers go by ``len(loss)``: every other list is appended before the loss it follows."""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from app.engine import Boundary, Eval, PathPoint, RunStatus, TrainConfig

CACHEABLE = (RunStatus.COMPLETED, RunStatus.DIVERGED)  # the same link always gives these again


@dataclass(eq=False)
class RunRecord:
    config: TrainConfig
    loss: array = field(default_factory=lambda: array("d"))
    cosine: array = field(default_factory=lambda: array("d"))  # NaN where not measured
    ends: array = field(default_factory=lambda: array("q"))  # len(loss) after each block of updates
    evals: list[Eval] = field(default_factory=list)
    path: list[PathPoint] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    boundary_grid: dict | None = None
    measures_noise: bool = False
    status: RunStatus = RunStatus.PENDING
    error: str | None = None  # the detail of a failed run
    initial_params: dict | None = None
    final_params: dict | None = None
    seconds: float = 0.0  # this run's own compute time: training and evaluation, not time queued
    early_stopped: bool = False  # stopped by its own early stopping, not from outside

    @property
    def finished(self) -> bool:
        return self.status.ended

    @property
    def cacheable(self) -> bool:
        # an early stop is the link's own end too; a run stopped from outside is not
        return self.status in CACHEABLE or (self.status == RunStatus.STOPPED and self.early_stopped)

    def add_updates(self, losses, cosines) -> None:
        """Append a block of updates (float64 arrays). Streams send whole blocks, so every stream
        following this record can share one encoding of each; the end goes in first, the losses
        last (readers go by len(loss))."""
        self.ends.append(len(self.loss) + len(losses))
        self.cosine.frombytes(cosines.tobytes())
        self.loss.frombytes(losses.tobytes())

    def fail(self, detail: str) -> None:
        self.error, self.status = detail, RunStatus.FAILED
