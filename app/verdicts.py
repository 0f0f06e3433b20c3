"""Which answer to a lesson's question the measured numbers make right, judged once, here.

``judge`` is a pure function of the lesson's rule, the comparison's plan and its finished runs
(as ``/api/history`` gives them: status, updates, final training and validation loss). It returns
numbers and ids, not sentences: the page words the verdict in its language. The rules:

- ``iterations_per_epoch``: the first run's ceil(n_train / batch_size), as one of the card's options;
- ``most_updates``: the run that made the most updates;
- ``lowest_train_loss`` / ``lowest_val_loss``: the run whose final loss is lowest, the final loss
  being ``app.comparison.final_losses`` (the evaluation after the last completed epoch; none for a
  diverged run, which never wins).
A verdict never calls two runs different where they print alike: ``digits`` is how many
significant digits the compared losses need to print differently, and ``tied`` lists the runs
that print like the best even at ``TIE_DIGITS`` (a tie: any of them is a right answer; the first
is ``value``).
With the student's ``choice`` (a value of the card's radio inputs, ``choices`` lists them) the
verdict also says whether it is ``right``: the one right value, or in a tie any tied run.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.comparison import TIE_DIGITS, js_number, significant_digits

RULES = ("most_updates", "lowest_train_loss", "lowest_val_loss", "iterations_per_epoch")


def choices(options: Sequence[str], n_runs: int) -> list[str]:
    """What a student may answer, as the page's radio inputs carry it: the card's options, else
    a run's 0-based index."""
    return list(options) if options else [str(i) for i in range(n_runs)]


def judge(rule: str, plan: Mapping, runs: Sequence[Mapping], choice: str | None = None) -> dict:
    """The verdict: ``value`` (the right choice, as the page's radio inputs carry it: an option,
    or a run's index), ``text`` (the right answer as the card names it) and the numbers quoted,
    one entry per run; with a ``choice``, also ``right``."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    verdict = _verdict(rule, plan, runs)
    if choice is not None:
        # in a tie any tied run is right (``tied`` is null for the options rule)
        verdict["right"] = choice in {verdict["value"], *(str(i) for i in verdict["tied"] or ())}
    return verdict


def _verdict(rule: str, plan: Mapping, runs: Sequence[Mapping]) -> dict:
    quoted = [{"label": p["label"], "status": run["status"], "updates": run["updates"], "n_train": p["n_train"],
               "batch_size": p["batch_size"], "iterations_per_epoch": p["iterations_per_epoch"],
               "final_train_loss": run["final_train_loss"], "final_val_loss": run["final_val_loss"]}
              for p, run in zip(plan["runs"], runs)]
    if rule == "iterations_per_epoch":
        value = str(quoted[0]["iterations_per_epoch"])
        return {"answer": rule, "value": value, "text": value, "runs": quoted, "digits": None, "tied": None}
    if rule == "most_updates":
        scores = [-r["updates"] for r in quoted]
        best = scores.index(min(scores))
        tied = [i for i, s in enumerate(scores) if s == scores[best]]
        return {"answer": rule, "value": str(best), "text": quoted[best]["label"], "runs": quoted, "digits": None,
                "tied": tied}
    key = "final_val_loss" if rule == "lowest_val_loss" else "final_train_loss"
    scores = [float("inf") if r[key] is None else r[key] for r in quoted]
    best = scores.index(min(scores))
    shown = [s for s in scores if s != float("inf")]
    alike = lambda s: js_number(s, TIE_DIGITS) == js_number(scores[best], TIE_DIGITS)  # noqa: E731 (as the page prints)
    tied = [i for i, s in enumerate(scores) if s != float("inf") and alike(s)]
    return {"answer": rule, "value": str(best), "text": quoted[best]["label"], "runs": quoted,
            "digits": significant_digits(shown, least=4), "tied": tied or [best]}
