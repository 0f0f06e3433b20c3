"""The house rules a reviewer checks by hand, checked on every run: no unused names or undefined
ones (pyflakes), files under 300 lines, Python functions under 50."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_FOLDERS = ("app", "tests", "bench", "deploy")
SOURCE_FOLDERS = (*PYTHON_FOLDERS, "static/js", "static/css", "templates")
VENDORED = ROOT / "static" / "vendor"
# bench/handloops.train is the benchmark's hand-written numpy baseline: split into calls it would
# run slower and flatter the app's ratios
LONG_ON_PURPOSE = {("bench/handloops.py", "train")}


def sources(folders, suffixes):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and VENDORED not in path.parents and ".node" not in path.parts:
                yield path


def test_pyflakes_finds_nothing():
    found = subprocess.run([sys.executable, "-m", "pyflakes", *PYTHON_FOLDERS], cwd=ROOT,
                           capture_output=True, text=True)
    assert found.returncode == 0, found.stdout + found.stderr


def test_every_source_file_is_under_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in sources(SOURCE_FOLDERS, {".py", ".js", ".mjs", ".css", ".html", ".j2"})
            if (n := len(p.read_text().splitlines())) >= 300}
    assert not long


def test_every_python_function_is_under_50_lines():
    long = []
    for path in sources(PYTHON_FOLDERS, {".py"}):
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length >= 50 and (name, node.name) not in LONG_ON_PURPOSE:
                    long.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    assert not long
