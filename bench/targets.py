"""Each benchmark records its targets here; `bench/report.py` prints them as one table at the end
of `make bench` (every benchmark runs even when an earlier one misses its target)."""
from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path(os.environ.get("BENCH_RESULTS", Path(__file__).resolve().parent / ".results.jsonl"))


def record(bench: str, target: str, measured: str, met: bool) -> bool:
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"bench": bench, "target": target, "measured": measured, "met": bool(met)}) + "\n")
    return bool(met)


def read() -> list[dict]:
    if not RESULTS.exists():
        return []
    return [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines() if line.strip()]


def reset() -> None:
    RESULTS.unlink(missing_ok=True)
