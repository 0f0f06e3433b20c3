"""The last step of `make bench`: one table of every target, measured value and verdict; exit
status 1 if any target was missed (only after everything has printed)."""
from __future__ import annotations

import sys

from targets import read, reset


def main() -> int:
    rows = read()
    reset()
    if not rows:
        print("no benchmark recorded a result")
        return 1
    width = max(len(r["target"]) for r in rows)
    print(f"\n{'benchmark':8}  {'target':{width}}  {'measured':>24}  met")
    print("-" * (width + 42))
    for r in rows:
        print(f"{r['bench']:8}  {r['target']:{width}}  {r['measured']:>24}  {'yes' if r['met'] else 'NO'}")
    missed = sum(not r["met"] for r in rows)
    print(f"\n{len(rows) - missed} of {len(rows)} targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
