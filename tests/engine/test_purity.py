"""The engine is pure numpy: importing it must not pull in any web framework."""
import ast
import pathlib
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "app" / "engine"
FORBIDDEN = {"fastapi", "starlette", "jinja2", "uvicorn", "sse_starlette", "pydantic", "httpx"}


def test_engine_sources_import_no_web_code():
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_the_engine_loads_no_web_module():
    code = "import sys, app.engine; print(','.join(sorted(sys.modules)))"
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True, cwd=ENGINE.parents[1]).strip().split(","))
    assert not {m.split(".")[0] for m in loaded} & FORBIDDEN
