"""Which answer to a lesson's question the measured numbers make right, judged once, here.

``judge`` is a pure function of the lesson's rule, the comparison's plan and its finished runs
(as ``/api/history`` gives them: status, updates, evaluations). It returns numbers and ids, not
sentences: the page words the verdict in its language. The rules:

- ``iterations_per_epoch``: the first run's ceil(n_train / batch_size), as one of the card's options;
- ``most_updates``: the run that made the most updates;
- ``lowest_train_loss`` / ``lowest_val_loss``: the run whose final loss is lowest, a run's final
  loss being that of its last epoch-end evaluation; a diverged run never wins.
Ties go to the first run.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

RULES = ("most_updates", "lowest_train_loss", "lowest_val_loss", "iterations_per_epoch")


def final_losses(run: Mapping, iterations_per_epoch: int) -> tuple[float | None, float | None]:
    """(train_loss, val_loss) of the run's last epoch-end evaluation; None where there is none."""
    ends = [e for e in run["evals"] if e["update"] % iterations_per_epoch == 0]
    if not ends:
        return None, None
    last = ends[-1]
    return _finite(last["train_loss"]), _finite(last["val_loss"])


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def judge(rule: str, plan: Mapping, runs: Sequence[Mapping]) -> dict:
    """The verdict: ``value`` (the right choice, as the page's radio inputs carry it: an option,
    or a run's index), ``text`` (the right answer as the card names it) and the numbers quoted,
    one entry per run."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    quoted = []
    for p, run in zip(plan["runs"], runs):
        train, val = final_losses(run, p["iterations_per_epoch"])
        quoted.append({"label": p["label"], "status": run["status"], "updates": run["updates"],
                       "n_train": p["n_train"], "batch_size": p["batch_size"],
                       "iterations_per_epoch": p["iterations_per_epoch"],
                       "final_train_loss": train, "final_val_loss": val})
    if rule == "iterations_per_epoch":
        value = str(quoted[0]["iterations_per_epoch"])
        return {"answer": rule, "value": value, "text": value, "runs": quoted}
    if rule == "most_updates":
        scores = [-r["updates"] for r in quoted]
    else:
        key = "final_val_loss" if rule == "lowest_val_loss" else "final_train_loss"
        scores = [math.inf if r["status"] == "diverged" or r[key] is None else r[key] for r in quoted]
    best = scores.index(min(scores))
    return {"answer": rule, "value": str(best), "text": quoted[best]["label"], "runs": quoted}
