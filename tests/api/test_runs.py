import json

import httpx
import pytest

from app.engine.cadence import MIN_NOISE_POINTS
from tests.support.sse import iter_events, losses_by_run, read_stream

LESSON = "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"


def test_plan_gives_the_lesson_counts(client):
    runs = client.get(f"/api/plan?{LESSON}").json()["runs"]
    assert [r["total_updates"] for r in runs] == [20, 20000, 200]
    assert [r["variant"] for r in runs] == ["full-batch", "sgd", "mini-batch"]
    assert [r["iterations_per_epoch"] for r in runs] == [1, 1000, 10]
    assert {k for k in runs[0]} >= {"label", "variant", "n_train", "n_val", "batch_size",
                                    "iterations_per_epoch", "epochs", "total_updates"}
    assert runs[1]["label"] == "batch_size=1"
    mnist = client.get("/api/plan?n_samples=60000&batch_size=100&epochs=10").json()["runs"][0]
    assert (mnist["iterations_per_epoch"], mnist["total_updates"]) == (600, 6000)


def test_stream_sends_every_event_type_and_every_update_once(client):
    events = read_stream(client, LESSON + "&validation_split=0.2")
    kinds = [e.event for e in events]
    assert kinds[0] == "plan" and kinds[-1] == "end"
    assert {"points", "eval", "done"} <= set(kinds)
    assert all(e.id for e in events)
    plan = events[0].data["runs"]
    losses = losses_by_run(events)
    for i, run in enumerate(plan):
        assert len(losses[i]) == run["total_updates"]
    done = {e.data["run"]: e.data for e in events if e.event == "done"}
    assert all(done[i] == {"run": i, "status": "completed", "updates": plan[i]["total_updates"],
                           "seconds": done[i]["seconds"]} for i in range(3))
    assert all(isinstance(d["seconds"], float) and d["seconds"] > 0 for d in done.values())
    evals = [e.data for e in events if e.event == "eval"]
    assert {"run", "update", "epoch", "train_loss", "val_loss"} == set(evals[0])
    assert all(e["val_loss"] is not None for e in evals)
    # every epoch end is evaluated, and an eval never arrives before the points it follows
    seen = {i: 0 for i in range(3)}
    for e in events:
        if e.event == "points":
            seen[e.data["run"]] = e.data["first_update"] + len(e.data["loss"]) - 1
        elif e.event == "eval":
            assert e.data["update"] <= seen[e.data["run"]]
    for i, run in enumerate(plan):
        ends = {e["update"] for e in evals if e["run"] == i}
        assert {k * run["iterations_per_epoch"] for k in range(21)} <= ends


def test_stream_matches_history_and_repeats_exactly(client):
    events = read_stream(client, LESSON)
    history = client.get(f"/api/history?{LESSON}").json()
    losses = losses_by_run(events)
    for i, run in enumerate(history["runs"]):
        assert [losses[i][k + 1] for k in range(len(run["loss"]))] == run["loss"]
    again = losses_by_run(read_stream(client, LESSON))
    assert again == losses


def test_identical_links_train_once(client):
    service = client.app.state.service
    read_stream(client, LESSON)
    started = service.stats.runs_started
    read_stream(client, "batch_size=full,1,100&n_samples=1000&epochs=20")  # same runs, other order of keys
    client.get(f"/api/history?{LESSON}")
    assert service.stats.runs_started == started == 3
    assert service.stats.cache_hits >= 6


@pytest.mark.parametrize("cut", [1, 2, 5, 17])
def test_resume_with_last_event_id_loses_nothing_and_repeats_nothing(client, cut):
    query = "batch_size=full,1,100&epochs=5&validation_split=0.1"
    first = read_stream(client, query, stop_after=cut)
    rest = read_stream(client, query, headers={"Last-Event-ID": first[-1].id})
    assert all(e.event != "plan" for e in rest)
    assert rest[-1].event == "end"
    combined = first + rest
    whole = read_stream(client, query)
    assert losses_by_run(combined) == losses_by_run(whole)
    def per_run(evs):  # runs interleave by timing; within a run the order is fixed
        return sorted(((e.data["run"], e.event, json.dumps(e.data)) for e in evs if e.event in ("eval", "done")),
                      key=lambda t: t[0])
    assert per_run(combined) == per_run(whole)


def test_resume_while_training_restarts_deterministically(live_server):
    server = live_server(points_per_event=200, stream_tick_seconds=0.01)
    query = "batch_size=1&n_samples=20000&epochs=3"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        with http.stream("GET", f"/api/stream?{query}") as r:
            events = []
            for ev in iter_events(r.iter_lines()):
                events.append(ev)
                if ev.event == "points" and ev.data["first_update"] > 1000:
                    break
        with http.stream("GET", f"/api/stream?{query}", headers={"Last-Event-ID": events[-1].id}) as r:
            events += list(iter_events(r.iter_lines()))
    losses = losses_by_run(events)[0]
    assert len(losses) == 60000
    full = http_history(server, query)
    assert [losses[k + 1] for k in range(60000)] == full["runs"][0]["loss"]


def http_history(server, query):
    return httpx.get(f"{server.url}/api/history?{query}", timeout=60).json()


def test_divergence_ends_diverged_with_valid_json(client):
    query = "learning_rate=10&batch_size=full,1&epochs=200"
    events = []
    with client.stream("GET", f"/api/stream?{query}") as r:
        for line in r.iter_lines():
            if line.startswith("data:"):
                text = line[5:]
                assert "NaN" not in text and "Infinity" not in text
                json.loads(text)
        # iterate again through the parsed reader for the statuses
    events = read_stream(client, query)
    done = [e.data for e in events if e.event == "done"]
    assert [d["status"] for d in done] == ["diverged", "diverged"]
    history = client.get(f"/api/history?{query}")
    assert "NaN" not in history.text
    runs = history.json()["runs"]
    assert all(r["status"] == "diverged" and r["updates"] == len(r["loss"]) for r in runs)


def test_history_json_has_params_and_csv_has_every_update(client):
    h = client.get("/api/history?batch_size=full,10&epochs=3&n_samples=50").json()
    assert h["plan"]["runs"][1]["total_updates"] == 15
    run = h["runs"][1]
    assert run["status"] == "completed" and len(run["loss"]) == 15
    assert set(run["initial_params"]) == {"w", "b"} and isinstance(run["final_params"]["b"], float)
    assert run["evals"][0]["update"] == 0
    csv = client.get("/api/history?batch_size=full,10&epochs=3&n_samples=50&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.strip().split("\n")
    assert rows[0] == "run,label,update,epoch,loss,train_loss,val_loss,status"
    assert len([r for r in rows[1:] if r.startswith("1,") and r.split(",")[4]]) == 15


def test_dataset_endpoint_and_its_limit(client):
    d = client.get("/api/dataset?n_samples=10&validation_split=0.2").json()
    assert len(d["X_train"]) == 8 and len(d["y_val"]) == 2
    r = client.get("/api/dataset?n_samples=50000")
    assert r.status_code == 422 and "max_dataset_download" in r.json()["detail"][0]["msg"]


@pytest.mark.parametrize("query, key, words", [
    ("epochs=0", "epochs", ">= 1"),
    ("batch_size=0,1", "batch_size", "run 1"),
    ("shape=round", "shape", "allowed keys"),
    ("n_samples=500000", "n_samples", "max_dataset_size"),
    ("batch_size=1&n_samples=100000&epochs=1000", "epochs", "max_total_updates"),
    ("model=mlp&hidden=256x256x256x256&dataset=digits&batch_size=full&epochs=1000", "epochs", "max_seconds"),
])
@pytest.mark.parametrize("endpoint", ["plan", "stream", "history", "dataset"])
def test_bad_input_is_a_helpful_422_on_every_endpoint(client, endpoint, query, key, words):
    r = client.get(f"/api/{endpoint}?{query}")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert any(d["loc"] == ["query", key] and words in d["msg"] for d in detail), detail


def test_history_format_is_validated(client):
    r = client.get("/api/history?format=xml")
    assert r.status_code == 422 and "format" in r.json()["detail"][0]["msg"]


def test_a_failing_run_sends_error_then_done_and_end(client, monkeypatch):
    import app.services.jobs

    class Broken(app.services.jobs.Trainer):
        def steps(self):
            raise RuntimeError("boom")
            yield  # a generator that fails on its first step

    monkeypatch.setattr(app.services.jobs, "Trainer", Broken)
    events = read_stream(client, "batch_size=5&epochs=1&n_samples=20")
    kinds = [e.event for e in events]
    assert kinds[0] == "plan" and kinds[-2:] == ["done", "end"] and "error" in kinds
    error = next(e for e in events if e.event == "error")
    assert "boom" in error.data["detail"] and error.data["run"] == 0
    assert events[-2].data["status"] == "failed"
    run = client.get("/api/history?batch_size=5&epochs=1&n_samples=20").json()["runs"][0]
    assert run["status"] == "failed" and "boom" in run["error"]


def test_stream_carries_path_noise_and_boundary_views(client):
    events = read_stream(client, "batch_size=full,1,100&epochs=3")
    paths = {}
    for e in events:
        if e.event == "path":
            paths.setdefault(e.data["run"], []).extend(e.data["points"])
    history = client.get("/api/history?batch_size=full,1,100&epochs=3").json()
    for i, run in enumerate(history["runs"]):
        assert paths[i] == run["path"]
        assert paths[i][0][0] == 0 and paths[i][-1][0] == run["updates"]
        assert paths[i][-1][1:] == [run["final_params"]["w"][0], run["final_params"]["b"]]
    cos = {}
    for e in events:
        if e.event == "points":
            assert len(e.data["grad_cosine"]) == len(e.data["loss"])
            cos.setdefault(e.data["run"], []).extend(e.data["grad_cosine"])
    measured = [c for c in cos[1] if c is not None]
    assert set(cos[0]) == {1.0} and len(cos[1]) == 3000 and len(measured) >= MIN_NOISE_POINTS and min(measured) < 0.99
    moons = read_stream(client, "dataset=moons&n_samples=200&batch_size=20&epochs=2")
    bounds = [e.data for e in moons if e.event == "boundary"]
    assert bounds and len(bounds[-1]["probs"]) == 1600 and bounds[-1]["grid"]["n"] == 40
    assert bounds[-1]["update"] == 20


def test_early_stopping_over_the_stream(client):
    query = ("dataset=moons&n_samples=60&noise=0.4&model=mlp&hidden=64x64&optimizer=adam&learning_rate=0.05"
             "&batch_size=10&epochs=300&validation_split=0.5&patience=5")
    done = [e.data for e in read_stream(client, query) if e.event == "done"]
    assert done[0]["status"] == "stopped" and done[0]["updates"] < 900
    labels = [r["label"] for r in client.get("/api/plan?validation_split=0.5&dataset=moons&patience=,5").json()["runs"]]
    assert labels == ["patience=none", "patience=5"]
    r = client.get("/api/plan?patience=3")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "patience"]


def test_landscape_endpoint(client):
    land = client.get("/api/landscape?batch_size=full,1").json()
    assert len(land["w"]) == 61 and len(land["loss"]) == 61 and len(land["loss"][0]) == 61
    assert land["minimum"]["w"] == pytest.approx(2.0, abs=0.1)
    r = client.get("/api/landscape?dataset=moons")
    assert r.status_code == 422 and "landscape" in r.json()["detail"][0]["msg"]


def test_code_is_a_python_script_of_the_canonical_comparison(client):
    for framework, marker in (("keras", "keras.callbacks.History()"), ("pytorch", "torch.set_default_dtype(torch.float64)")):
        r = client.get(f"/api/code?batch_size=1,full&epochs=3&n_samples=50&framework={framework}")
        assert r.status_code == 200 and r.headers["content-type"] == "text/x-python; charset=utf-8"
        assert f'filename="gradient_descent_{framework}.py"' in r.headers["content-disposition"]
        assert marker in r.text and "dataset=linear&n_samples=50&epochs=3&batch_size=1,full" in r.text
        compile(r.text, framework, "exec")
    assert "keras" in client.get("/api/code?epochs=3").text  # Keras unless told


def test_code_refuses_an_unknown_framework_or_a_bad_comparison_with_422(client):
    r = client.get("/api/code?epochs=3&framework=jax")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "framework"]
    assert "keras, pytorch" in r.json()["detail"][0]["msg"]
    assert client.get("/api/code?epochs=0&framework=pytorch").status_code == 422
