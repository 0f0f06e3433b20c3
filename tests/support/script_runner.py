"""Run several take-home scripts, unmodified, one after another in this one interpreter (Keras
and PyTorch are imported once: ~6 s each time otherwise), each with its own globals and its own
captured output. The scripts seed everything from the app's numbers, so running them side by
side changes none of them.

    python tests/support/script_runner.py MANIFEST.json OUT.json

MANIFEST: [{"path": ..., "result": <a Python expression over the script's globals g>}, ...]
OUT: one {"result", "stdout"} or {"error"} per script, in order.
"""
import contextlib
import io
import json
import runpy
import sys
import traceback


def run_one(path: str, result: str) -> dict:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            g = runpy.run_path(path)
        return {"result": eval(result, {"g": g}), "stdout": out.getvalue()}  # noqa: S307 (the test's own expression)
    except BaseException:  # noqa: BLE001 - one script's failure is its test's failure, not the others'
        return {"error": traceback.format_exc()[-3000:], "stdout": out.getvalue()}
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def main(manifest: str, out: str) -> None:
    scripts = json.load(open(manifest, encoding="utf-8"))
    results = [run_one(s["path"], s["result"]) for s in scripts]
    json.dump(results, open(out, "w", encoding="utf-8"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
