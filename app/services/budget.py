"""Size limits of a comparison, checked before anything trains (in milliseconds): data set size,
updates held in memory, and predicted CPU-seconds (``app.engine.cost``). Every message names the
keys to lower and by how much."""
from __future__ import annotations

import math

from app.engine import DATASETS, TrainConfig, make_plan, predict_seconds
from app.errors import problem
from app.settings import Settings


def _lower(epochs: int, factor: float, others: str) -> str:
    """The advice for a comparison ``factor`` times over a limit."""
    fit = max(1, math.floor(epochs / factor))
    return f"lower epochs by {factor:.3g}x (epochs={epochs} -> {fit}), {others}, or compare fewer runs"


def check_budget(configs: list[TrainConfig], settings: Settings) -> list[dict]:
    """A 422 problem for every limit this comparison exceeds (empty when it fits)."""
    problems = []
    for cfg in configs:
        if DATASETS[cfg.dataset].fixed_size is None and cfg.n_samples > settings.max_dataset_size:
            problems.append(problem("n_samples", cfg.n_samples, f"n_samples={cfg.n_samples} is over the limit "
                                    f"max_dataset_size={settings.max_dataset_size} examples; lower n_samples "
                                    f"to at most {settings.max_dataset_size}", "limit"))
            break
    unique = list(dict.fromkeys(configs))  # identical runs train once
    plans = [make_plan(c) for c in unique]
    epochs = max(c.epochs for c in unique)
    total = sum(p.total_updates for p in plans)
    if total > settings.max_total_updates:
        problems.append(problem("epochs", epochs, f"this comparison makes {total} updates in all; the limit is "
                                f"max_total_updates={settings.max_total_updates}: "
                                f"{_lower(epochs, total / settings.max_total_updates, 'raise batch_size')}", "limit"))
    seconds = sum(predict_seconds(c) for c in unique)
    if seconds > settings.max_seconds:
        problems.append(problem("epochs", epochs, f"this comparison would take about {seconds:.3g} CPU-seconds; "
                                f"the limit is max_seconds={settings.max_seconds:g}: "
                                f"{_lower(epochs, seconds / settings.max_seconds, 'raise batch_size, lower n_samples or hidden')}",
                                "limit"))
    return problems
