"""Shared cases (tests/cases/<rule>.json): inputs and expected outputs of a rule written in both
Python and JavaScript, read by a pytest test and by a node test (tests/js/cases.mjs), so the
twins cannot drift apart."""
from __future__ import annotations

import json
from pathlib import Path

CASES = Path(__file__).resolve().parent.parent / "cases"


def load(rule: str, part: str = "cases"):
    """The cases of ``rule`` (tests/cases/<rule>.json), or another entry of that file."""
    return json.loads((CASES / f"{rule}.json").read_text(encoding="utf-8"))[part]


def about(case: dict) -> str:
    """A case's pytest id: what it is about."""
    return case["about"]
