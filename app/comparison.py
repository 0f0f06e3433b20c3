"""A parsed comparison: its runs, labels, plan, and its finished history as JSON or CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from app.engine import Eval, RunStatus, TrainConfig, make_plan
from app.engine import predict_seconds
from app.links import to_query, value_text
from app.schemas import FIELDS, RunConfig
from app.services import RunRecord


@dataclass
class Comparison:
    runs: list[RunConfig]

    @cached_property
    def configs(self) -> list[TrainConfig]:
        return [r.train_config() for r in self.runs]

    @cached_property
    def labels(self) -> list[str]:
        """A run's own label, else the keys that tell the runs apart (e.g. ``batch_size=full``)."""
        first, *rest = self.runs
        varying = [k for k in FIELDS if k != "label" and any(getattr(r, k) != getattr(first, k) for r in rest)]
        out = []
        for i, run in enumerate(self.runs):
            auto = ", ".join(f"{k}={value_text(getattr(run, k)) or 'none'}" for k in varying) or f"run {i + 1}"
            out.append(run.label or auto)
        return out

    @cached_property
    def query(self) -> str:
        return to_query(self.runs)

    @cached_property
    def plan(self) -> dict:
        runs = []
        for label, run, cfg in zip(self.labels, self.runs, self.configs):
            plan = make_plan(cfg)
            runs.append({
                "label": label, **plan.to_dict(),
                "examples_seen": plan.epochs * plan.n_train,
                "model": cfg.resolved_model, "loss": cfg.resolved_loss, "n_params": cfg.n_params,
                "predicted_seconds": round(predict_seconds(cfg), 4),
                "config": run.model_dump(mode="json"),
            })
        return {"runs": runs, "query": self.query}


NO_FINAL_LOSS = (RunStatus.DIVERGED, RunStatus.FAILED)
TIE_DIGITS = 6  # values the page prints alike at this many significant digits are a tie


def final_eval(evals: Sequence[Eval], iterations_per_epoch: int, status: RunStatus) -> Eval | None:
    """THE run's final evaluation: the one after its last completed epoch (so a run stopped
    mid-epoch reports the epoch it finished, not a mid-epoch check). None for a diverged or
    failed run (its last finite numbers are not where it ended) and before the first epoch ends.
    Its ``train_loss`` is the "final training loss" of the table, the history, the verdicts and
    the take-home scripts."""
    if status in NO_FINAL_LOSS:
        return None
    return next((ev for ev in reversed(evals) if ev.update > 0 and ev.update % iterations_per_epoch == 0), None)


def final_losses(evals: Sequence[Eval], iterations_per_epoch: int, status: RunStatus) -> tuple[float | None, float | None]:
    """(final training loss, final validation loss) of a run, from ``final_eval``."""
    ev = final_eval(evals, iterations_per_epoch, status)
    return (None, None) if ev is None else (ev.train_loss, ev.val_loss)


def final_fields(rec: RunRecord, plan: dict) -> dict[str, float | None]:
    """A run's ``final_train_loss`` and ``final_val_loss`` as the history and the verdicts give them."""
    return dict(zip(("final_train_loss", "final_val_loss"), final_losses(rec.evals, plan["iterations_per_epoch"], rec.status)))


def js_number(x: float, digits: int) -> str:
    """format.js formatNumber: `digits` significant digits, exponent form outside [1e-3, 1e5)."""
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        mantissa, exponent = f"{x:.{max(2, digits - 2)}e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    exact = Decimal(x)  # toPrecision rounds the double's exact value, a tie away from zero
    text = repr(float(exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=ROUND_HALF_UP)))
    return text[:-2] if text.endswith(".0") else text


def significant_digits(values: Iterable[float | None], least: int = 3, most: int = TIE_DIGITS) -> int | None:
    """The fewest significant digits (``least`` at least) at which the page prints the values all
    differently (``js_number``: outside [1e-3, 1e5) it shows one digit fewer than %g); None when two
    of them print alike even at ``most`` digits: a tie. A verdict never calls two runs different
    where they print alike. None values (no final loss) are left out."""
    shown = [float(v) for v in values if v is not None]
    for digits in range(least, most + 1):
        if len({js_number(v, digits) for v in shown}) == len(shown):
            return digits
    return None


def history(comparison: Comparison, records: list[RunRecord]) -> dict:
    return {
        "plan": comparison.plan,
        "runs": [{
            "label": label,
            "status": rec.status,
            "updates": len(rec.loss),
            "loss": rec.loss.tolist(),
            "evals": [ev._asdict() for ev in rec.evals],
            **final_fields(rec, plan),
            "path": [[pt.update, *pt.params] for pt in rec.path],
            "grad_cosine": rec.cosine.tolist() if rec.measures_noise else None,
            "initial_params": rec.initial_params,
            "final_params": rec.final_params,
            "seconds": rec.seconds,
            "error": rec.error,
        } for label, rec, plan in zip(comparison.labels, records, comparison.plan["runs"])],
    }


def history_csv(comparison: Comparison, records: list[RunRecord]) -> str:
    """One row per update of every run; evaluation columns filled on the updates evaluated."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["run", "label", "update", "epoch", "loss", "train_loss", "val_loss", "status"])
    for i, (label, rec, plan) in enumerate(zip(comparison.labels, records, comparison.plan["runs"])):
        evals = {ev.update: ev for ev in rec.evals}
        per_epoch = plan["iterations_per_epoch"]
        for k in range(0, len(rec.loss) + 1):
            ev = evals.get(k)
            if k == 0 and ev is None:
                continue
            loss = "" if k == 0 else _num(rec.loss[k - 1])
            writer.writerow([i, label, k, round(k / per_epoch, 6), loss,
                             _num(ev.train_loss) if ev else "", _num(ev.val_loss) if ev else "", rec.status])
    return buf.getvalue()


def _num(x: float | None) -> str:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return ""
    return repr(float(x))
