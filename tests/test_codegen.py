"""Take-home scripts: every combination compiles; with real Keras 3 and PyTorch (slow tests) the
scripts reproduce the app's own /api/history numbers."""
import itertools
import json
import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.deps import Links
from app.codegen import DEFAULT_ORIGIN, FRAMEWORKS, python_literal, script
from app.errors import QueryError
from app.lessons import LESSONS
from app.main import create_app
from app.settings import Settings

parse = Links(Settings(max_runs=8)).parse  # as the app parses a link

OPTIONS = ("batch_norm=true,false,false,true,false,false,true,false&normalize=false,true,false,true,false,true,false,true"
           "&decay=0,0.01,0,0.01,0,0,0.001,0&momentum=0,0.9,0.9,0,0.5,0,0.9,0&nesterov=false,true,false,false,true,false,true,false"
           "&shuffle=true,false,true,true,false,true,true,true&validation_split=0,0.2,0.2,0,0.25,0.1,0.2,0"
           "&patience=,2,,,3,,1,&batch_size=full,1,7,32,full,16,3,64&epochs=2")


def comparisons():
    """Every data set x model x loss x optimizer, each as 8 runs switching every option on and off."""
    for dataset, model, loss, optimizer in itertools.product(
            ("linear", "moons", "digits"), ("linear", "logistic", "mlp"), ("mse", "cross_entropy"),
            ("sgd", "adam", "rmsprop", "adagrad")):
        query = (f"dataset={dataset}&model={model}&loss={loss}&optimizer={optimizer}&hidden=4x3"
                 f"&activation=relu,tanh,sigmoid,relu,tanh,sigmoid,relu,tanh&n_samples=60&{OPTIONS}")
        try:
            yield parse(query)
        except QueryError:
            continue  # e.g. cross-entropy on a regression set: refused by the schema, no script


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_combination_gives_a_script_that_compiles(framework):
    count = 0
    for comparison in comparisons():
        source = script(comparison, framework, "http://localhost:8000")
        compile(source, f"{framework}.py", "exec")
        assert comparison.query in source and source.count("'label':") == 8
        count += 1
    assert count >= 40


def test_a_script_names_only_what_its_runs_use():
    source = script(parse("dataset=moons&model=mlp&hidden=8&optimizer=adam&epochs=2"), "pytorch", DEFAULT_ORIGIN)
    assert "def make_moons" in source and "def make_linear" not in source and "load_digits" not in source
    assert '"adam"' in source and '"rmsprop"' not in source and "KerasBatchNorm" not in source


def test_the_origin_is_written_only_when_plain():
    comparison = parse("epochs=2")
    assert 'APP = "https://gd.example.org:8443"' in script(comparison, "keras", "https://gd.example.org:8443")
    assert f'APP = "{DEFAULT_ORIGIN}"' in script(comparison, "keras", 'http://x"; import os #')


def test_settings_are_python_literals_wrapped_under_100_columns():
    text = python_literal({"label": "a 'quoted' \"label\"", "hidden": [16, 16], "patience": None, "rate": 1e-05})
    assert eval(text) == {"label": "a 'quoted' \"label\"", "hidden": [16, 16], "patience": None, "rate": 1e-05}
    source = script(parse("dataset=digits&model=mlp&hidden=32x32&batch_norm=true&epochs=2"), "keras", DEFAULT_ORIGIN)
    assert max(len(line) for line in source.splitlines()) <= 120


# --- running the scripts with the real frameworks ---------------------------------------------

SPREAD = [  # besides the lessons (full batch, SGD and mini-batch on linear; keras_sgd; batch norm; ...)
    "dataset=moons&n_samples=300&model=mlp&hidden=8x8&activation=tanh&optimizer=adam,rmsprop,adagrad"
    "&batch_size=16&epochs=4&validation_split=0.2",
    "dataset=moons&n_samples=300&model=mlp&hidden=8&batch_norm=true&activation=relu,sigmoid&momentum=0.9"
    "&nesterov=true,false&decay=0.01&batch_size=1,32&epochs=3&validation_split=0.2&shuffle=false,true",
    "dataset=digits&normalize=true&validation_split=0.2&optimizer=rmsprop,sgd&momentum=0,0.9"
    "&learning_rate=0.001,0.01&batch_size=64&epochs=6&patience=1",
    "dataset=moons&n_samples=200&loss=mse&model=mlp&hidden=4&decay=0.05&batch_size=10&epochs=3",
    "learning_rate=10,0.5&batch_size=full,32&epochs=3",  # diverge at updates 3 and 12, as the app's runs do
]
# Both scripts compute in float64 as the app does (Keras with float64_everywhere()); what remains is
# the order of float64 sums, ~1e-15 per update, grown by the runs' own sensitivity (measured <= 2.2e-11).
TOLERANCE = 1e-9
RESULT = {"keras": "[h.history for h in g['histories']] + [sorted({str(w.dtype) for w in g['model'].weights})]",
          "pytorch": "g['losses']"}


SUMMARY = re.compile(r"final training loss (\S+);|diverged at update (\d+);")  # a script's line per run


RUNNER = Path(__file__).parent / "support" / "script_runner.py"
COMPARISONS = {**{query: query for query in SPREAD}, **{lesson.name: lesson.query for lesson in LESSONS}}


def run_scripts(framework: str, sources: dict[str, str], folder: Path) -> dict[str, tuple[list, list]]:
    """Run each script unmodified (Keras on the torch backend), all of one framework in one fresh
    interpreter (tests/support/script_runner.py); per script, its result and what it prints for
    each run: (final training loss, None) or (None, the update it diverged at)."""
    manifest = []
    for i, source in enumerate(sources.values()):
        path = folder / f"{framework}{i}.py"
        path.write_text(source, encoding="utf-8")
        manifest.append({"path": str(path), "result": RESULT[framework]})
    (folder / f"{framework}.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = folder / f"{framework}-out.json"
    env = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(RUNNER), str(folder / f"{framework}.json"), str(out)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(zip(sources, json.loads(out.read_text()), strict=True))


def outcomes_of(ran: dict) -> tuple[list, list]:
    assert "error" not in ran, ran.get("error")
    found = [SUMMARY.search(line) for line in ran["stdout"].splitlines()]
    outcomes = [(float(m[1]) if m[1] else None, int(m[2]) if m[2] else None) for m in found if m]
    assert outcomes and "float32" not in ran["stdout"]  # float64_everywhere() worked
    return ran["result"], outcomes


@pytest.fixture(scope="module")
def reproductions(tmp_path_factory):
    """Every comparison's /api/history and both its scripts' results. Each framework's scripts run
    in one interpreter, the two frameworks side by side (the machine has two cores)."""
    folder = tmp_path_factory.mktemp("scripts")
    with TestClient(create_app(Settings())) as client:
        histories = {name: client.get(f"/api/history?{query}").json() for name, query in COMPARISONS.items()}
        sources = {fw: {name: client.get(f"/api/code?{query}&framework={fw}").text
                        for name, query in COMPARISONS.items()} for fw in FRAMEWORKS}
    with ThreadPoolExecutor(2) as pool:
        ran = dict(zip(FRAMEWORKS, pool.map(lambda fw: run_scripts(fw, sources[fw], folder), FRAMEWORKS)))
    return {name: (histories[name], ran["keras"][name], ran["pytorch"][name]) for name in COMPARISONS}


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def epoch_means(run: dict, plan: dict) -> tuple[list[float], list[float | None]]:
    """The app's numbers as Keras reports them: each finished epoch's mini-batch losses averaged
    weighted by batch size (the last batch is smaller), and the validation loss at its end."""
    per, n, batch = plan["iterations_per_epoch"], plan["n_train"], plan["batch_size"]
    sizes = [min(batch, n - i * batch) for i in range(per)]
    means = [sum(loss * size for loss, size in zip(run["loss"][e * per:(e + 1) * per], sizes)) / n
             for e in range(len(run["loss"]) // per)]
    val = {ev["update"]: ev["val_loss"] for ev in run["evals"]}
    return means, [val.get((e + 1) * per) for e in range(len(means))]


def check_reproduces(reproduction) -> None:
    history, keras_ran, torch_ran = reproduction
    (keras_runs, keras_outcomes), (torch_runs, torch_outcomes) = outcomes_of(keras_ran), outcomes_of(torch_ran)
    *keras_runs, weight_types = keras_runs
    assert weight_types == ["float64"]  # the Keras model's weights (and batch-norm statistics)
    for run, keras_outcome, torch_outcome in zip(history["runs"], keras_outcomes, torch_outcomes, strict=True):
        check_outcome(run, torch_outcome, TOLERANCE)
        check_outcome(run, keras_outcome, TOLERANCE)
    for run, plan, keras_history, torch_losses in zip(history["runs"], history["plan"]["runs"], keras_runs, torch_runs):
        assert len(torch_losses) == len(run["loss"]), run["label"]  # a diverged run ends at the same update
        assert max(relative(a, b) for a, b in zip(torch_losses, run["loss"])) < TOLERANCE, run["label"]
        means, vals = epoch_means(run, plan)  # not a diverged run's last, partial epoch
        assert len(keras_history["loss"]) == math.ceil(len(run["loss"]) / plan["iterations_per_epoch"]), run["label"]
        assert all(relative(a, b) < TOLERANCE for a, b in zip(keras_history["loss"], means)), run["label"]
        if plan["n_val"]:
            assert all(relative(a, b) < TOLERANCE for a, b in zip(keras_history["val_loss"], vals)), run["label"]


def check_outcome(run: dict, outcome: tuple[float | None, int | None], tolerance: float) -> None:
    """A script prints the app's final training loss (the table's number) to ``tolerance``
    relative, or, for a run the app calls diverged, the update it diverged at ("diverged at
    update 12") and no final training loss."""
    printed, diverged_at = outcome
    if run["status"] == "diverged":
        assert (printed, diverged_at) == (None, run["updates"]), run["label"]
    else:
        assert diverged_at is None and printed is not None, run["label"]
        assert relative(printed, run["final_train_loss"]) <= tolerance, (run["label"], printed, run["final_train_loss"])


@pytest.mark.slow
@pytest.mark.parametrize("query", SPREAD)
def test_scripts_reproduce_a_spread_of_configurations(reproductions, query):
    check_reproduces(reproductions[query])


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_scripts_reproduce_every_lesson(reproductions, lesson):
    check_reproduces(reproductions[lesson.name])
