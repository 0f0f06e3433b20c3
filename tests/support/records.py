"""Run records filled by hand, as a job would fill them."""
import numpy as np

from app.engine import RunStatus
from app.services import RunRecord
from tests.support.configs import train_config


def record(n_loss=0, status=RunStatus.RUNNING, evals=()) -> RunRecord:
    """Losses 1, 2, ... n_loss appended one by one (no blocks)."""
    rec = RunRecord(train_config(batch_size=1))
    rec.loss.extend(float(k) for k in range(1, n_loss + 1))
    rec.evals.extend(evals)
    rec.status = status
    return rec


def blocks(sizes, status=RunStatus.COMPLETED, noise=True) -> RunRecord:
    """Losses 1, 2, ... in blocks of ``sizes`` updates, every cosine 0.5."""
    rec = RunRecord(train_config(batch_size=1))
    rec.measures_noise = noise
    for n in sizes:
        first = len(rec.loss)
        rec.add_updates(np.arange(first + 1, first + n + 1, dtype=float), np.full(n, 0.5))
    rec.status = status
    return rec
