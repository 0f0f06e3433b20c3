"""Take it home: one runnable Keras 3 or PyTorch script that reproduces a comparison's numbers.

The scripts are Jinja2 templates (``templates/code/``) filled with every run's resolved settings;
they carry the app's recipes written out (data, split, normalization, Glorot-uniform weights drawn
with numpy, per-epoch shuffle order), so they need numpy and the framework, nothing of ours.
"""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.comparison import Comparison
from app.engine import DATASETS, make_plan
from app.engine.datasets import X_CENTER, X_HALF_WIDTH
from app.engine.cadence import EVAL_MAX_EXAMPLES  # bigger sets are evaluated on a seeded subset

FRAMEWORKS = ("keras", "pytorch")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "code"
SAFE_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?")
DEFAULT_ORIGIN = "http://127.0.0.1:8000"

_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True,
                   trim_blocks=True, lstrip_blocks=True)


def run_settings(label: str, cfg) -> dict:
    """What a script needs of one run: the share link's keys with every default resolved."""
    info = DATASETS[cfg.dataset]
    plan = make_plan(cfg)
    return {
        "label": label, "dataset": cfg.dataset, "n_samples": plan.n_train + plan.n_val,
        "noise": info.default_noise if cfg.noise is None else cfg.noise, "x_center": cfg.x_center, "seed": cfg.seed,
        "validation_split": cfg.validation_split, "normalize": cfg.normalize,
        "model": cfg.resolved_model, "hidden": list(cfg.hidden) if cfg.resolved_model == "mlp" else [],
        "activation": cfg.activation, "batch_norm": cfg.batch_norm and cfg.resolved_model == "mlp",
        "loss": cfg.resolved_loss, "optimizer": cfg.optimizer, "learning_rate": cfg.learning_rate,
        "momentum": cfg.momentum if cfg.optimizer == "sgd" else 0.0,
        "nesterov": cfg.nesterov and cfg.optimizer == "sgd" and cfg.momentum > 0, "decay": cfg.decay,
        "batch_size": plan.batch_size, "epochs": cfg.epochs, "shuffle": cfg.shuffle, "patience": cfg.patience,
    }


def python_literal(value, indent: int = 4, width: int = 100) -> str:
    """A settings value as Python source (True/False/None, shortest float form); a dict wraps
    its items over lines of at most ``width`` characters, continued at ``indent`` + 1."""
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if not isinstance(value, dict):
        return repr(value)
    items = [f"{k!r}: {python_literal(v)}" for k, v in value.items()]
    if not items:
        return "{}"
    lines, line = [], "{"
    for i, item in enumerate(items):
        piece = item + ("}" if i == len(items) - 1 else ",")
        if len(line) > 1 and indent + len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = " " + piece
        else:
            line += ("" if line in ("{", " ") else " ") + piece
    return f"\n{' ' * indent}".join(lines + [line])


def script(comparison: Comparison, framework: str, url: str) -> str:
    """The whole comparison as one script for ``framework`` (keras or pytorch); ``url`` is where
    the app runs (written into the script only if it is a plain http(s) origin: it comes from
    the request's Host header)."""
    url = url if SAFE_ORIGIN.fullmatch(url) else DEFAULT_ORIGIN
    runs = [run_settings(label, cfg) for label, cfg in zip(comparison.labels, comparison.configs)]
    used = {key: {run[key] for run in runs} for key in ("dataset", "optimizer", "loss", "model")}
    return _env.get_template(f"{framework}.py.j2").render(
        runs=[python_literal(run) for run in runs], url=url, query=comparison.query, used=used,
        eval_max=EVAL_MAX_EXAMPLES, half_width=X_HALF_WIDTH, default_center=X_CENTER,
        n_outputs=python_literal({name: DATASETS[name].n_outputs for name in sorted(used["dataset"])}),
        batch_norm=any(run["batch_norm"] for run in runs),
        mlp="mlp" in used["model"],
        onehot=any(DATASETS[r["dataset"]].task == "classification" and r["loss"] == "mse" for r in runs),
        validation=any(run["validation_split"] > 0 for run in runs),
        patience=any(run["patience"] for run in runs),
        decay=any(run["decay"] for run in runs),
        momentum_decay=any(run["decay"] and run["momentum"] for run in runs),
        big_validation=any(run["n_samples"] * run["validation_split"] > EVAL_MAX_EXAMPLES for run in runs),
    )
