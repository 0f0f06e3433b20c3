"""Size limits of a comparison, checked before anything trains; every message names the keys to
lower and by how much."""
from __future__ import annotations

import math

from app.engine import DATASETS, TrainConfig, make_plan
from app.errors import problem
from app.settings import Settings


def n_params(cfg: TrainConfig) -> int:
    """Trainable parameters of a configuration's model, without building it."""
    info = DATASETS[cfg.dataset]
    if cfg.resolved_model != "mlp":
        return (info.n_features + 1) * info.n_outputs
    sizes = [info.n_features, *cfg.hidden, info.n_outputs]
    dense = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    return dense + (2 * sum(cfg.hidden) if cfg.batch_norm else 0)


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
    work = sum(p.total_updates * p.batch_size * n_params(c) for p, c in zip(plans, unique))
    if work > settings.max_work:
        problems.append(problem("epochs", epochs, f"this comparison needs {work:.3g} units of work (updates x "
                                f"batch size x parameters); the limit is max_work={settings.max_work:.3g}: "
                                f"{_lower(epochs, work / settings.max_work, 'lower n_samples or hidden')}", "limit"))
    return problems
