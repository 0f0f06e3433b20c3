"""The run table's first rows, drawn on the server from the plan so that the page's first paint
has the table's height and nothing below it moves when the page's script takes over. They are
the rows static/js/table.js renderTable draws before a run reports anything (same columns, texts
and attributes; tests/browser/test_speed.py compares the two), which it then replaces and keeps
up to date."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from app.comparison import js_number
from app.picture import COLORS

# [header key, data field, shown on phones too], as table.js COLUMNS
COLUMNS = (
    ("col_run", "label", True), ("col_batch", "batch_size", False), ("col_ipe", "iterations_per_epoch", False),
    ("col_epochs", "epochs", False), ("col_total", "total_updates", True), ("col_train", "final_train_loss", True),
    ("col_val", "final_val_loss", True), ("col_status", "status", True), ("col_time", "seconds", True),
    ("col_progress", "progress", False),
)
NO_NUMBER = "—"


def breakable(text: str) -> Markup:
    """A text with line-break chances after = _ , & / (table.js breakableText)."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[=_,&/])", str(text)) if part)


def words(template: str, **values) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def columns(plan: dict) -> list[tuple[str, str, bool]]:
    """table.js renderTable's columns: validation loss only where a run holds out data, and then
    on phones in the compute time's place."""
    val = any(run["n_val"] for run in plan["runs"])
    return [(key, field, phone and not (val and field == "seconds"))
            for key, field, phone in COLUMNS if field != "final_val_loss" or val]


def row(plan: dict, i: int, t: dict[str, str]) -> dict:
    """One run's cells before it reports anything: its plan, no loss yet, waiting, predicted time."""
    seconds = plan.get("predicted_seconds")
    return {
        "index": i, "name": plan["label"], "label": breakable(plan["label"]), "color": COLORS[i % len(COLORS)],
        "variant": f" {t['variant_' + plan['variant']]}", "total": plan["total_updates"],
        "cells": {
            "batch_size": plan["batch_size"], "iterations_per_epoch": plan["iterations_per_epoch"],
            "epochs": plan["epochs"], "total_updates": plan["total_updates"], "final_train_loss": NO_NUMBER,
            "final_val_loss": NO_NUMBER, "status": t["status_pending"],
            "seconds": NO_NUMBER if seconds is None else words(t["time_predicted"], s=js_number(seconds, 2)),
        },
        "formula": words(t["formula"], n=plan["n_train"], b=plan["batch_size"], ipe=plan["iterations_per_epoch"],
                         e=plan["epochs"], t=plan["total_updates"]),
    }


def first_rows(plan: dict, t: dict[str, str]) -> dict:
    """What templates/run_table.html draws: the header and each run's row and formula."""
    cols = columns(plan)
    return {"head": [(breakable(t[key]), field, phone) for key, field, phone in cols],
            "middle": [(field, phone) for _, field, phone in cols[1:-1]], "span": len(cols),
            "rows": [row(run, i, t) for i, run in enumerate(plan["runs"])], "progress": t["col_progress"]}
