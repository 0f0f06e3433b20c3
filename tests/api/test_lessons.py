"""app/api/lessons.py: the lesson cards and /api/verdict read off the finished comparison."""
from app.lessons import BY_NAME, LESSONS


def verdict(client, name, query=None):
    return client.get(f"/api/verdict?lesson={name}&{query or BY_NAME[name].query}")


def test_lessons_lists_every_card_in_the_language_asked(client):
    body = client.get("/api/lessons?lang=pt-BR").json()
    assert [c["name"] for c in body["lessons"]] == [lesson.name for lesson in LESSONS]
    assert all(c["answer"] for c in body["lessons"])


def test_batch_size_verdict_names_sgd_with_every_runs_update_count(client):
    body = verdict(client, "batch_size").json()
    assert body["lesson"] == "batch_size" and body["answer"] == "most_updates"
    assert (body["value"], body["text"]) == ("1", "batch_size=1")
    assert [r["updates"] for r in body["runs"]] == [20, 20000, 200]


def test_learning_rate_verdict_quotes_the_histories_final_epoch_losses(client):
    query = BY_NAME["learning_rate"].query
    runs = client.get(f"/api/history?{query}").json()["runs"]
    body = verdict(client, "learning_rate").json()
    per_epoch = [p["iterations_per_epoch"] for p in client.get(f"/api/plan?{query}").json()["runs"]]
    finals = [[e["train_loss"] for e in r["evals"] if e["update"] % n == 0][-1] for r, n in zip(runs, per_epoch)]
    # the history's final_train_loss, which is the last epoch-end evaluation, except a diverged run's: none
    assert [r["final_train_loss"] for r in body["runs"]] == [r["final_train_loss"] for r in runs] == finals[:-1] + [None]
    assert [r["status"] for r in body["runs"]][-1] == "diverged"
    assert body["value"] == str(finals.index(min(finals[:-1]))) == "1"


def test_iterations_verdict_is_the_option_600(client):
    body = verdict(client, "iterations").json()
    assert (body["value"], body["text"]) == ("600", "600") and body["value"] in BY_NAME["iterations"].options


def test_an_edited_comparison_is_judged_by_the_lessons_rule(client):
    body = verdict(client, "batch_size", "dataset=linear&n_samples=100&epochs=2&batch_size=10,full").json()
    assert body["value"] == "0" and [r["updates"] for r in body["runs"]] == [20, 2]


def test_bad_lesson_and_bad_comparison_are_422s_naming_the_key(client):
    unknown = verdict(client, "nope", "batch_size=full&n_samples=50&epochs=1")
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "lesson"] and "batch_size" in unknown.json()["detail"][0]["msg"]
    missing = client.get("/api/verdict?batch_size=full")
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"][-1] == "lesson"
    bad = verdict(client, "batch_size", "epochs=0")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "epochs"


def test_an_unknown_lesson_trains_nothing(client):
    before = client.app.state.service.stats.runs_started
    assert verdict(client, "nope", "batch_size=full&n_samples=77&epochs=1").status_code == 422
    assert client.app.state.service.stats.runs_started == before


def test_a_choice_is_judged_on_the_server(client):
    assert verdict(client, "batch_size", f"{BY_NAME['batch_size'].query}&choice=1").json()["right"] is True
    assert verdict(client, "batch_size", f"{BY_NAME['batch_size'].query}&choice=0").json()["right"] is False
    assert verdict(client, "iterations", f"{BY_NAME['iterations'].query}&choice=600").json()["right"] is True
    assert "right" not in verdict(client, "batch_size").json()


def test_an_invalid_choice_is_a_422_naming_choice_and_its_values_before_anything_trains(client):
    before = client.app.state.service.stats.runs_started
    query = "batch_size=full,1&n_samples=78&epochs=1"
    for bad, allowed in (("2", "0, 1"), ("x", "0, 1")):
        answer = verdict(client, "batch_size", f"{query}&choice={bad}")
        assert answer.status_code == 422
        item = answer.json()["detail"][0]
        assert item["loc"] == ["query", "choice"] and allowed in item["msg"]
    options = verdict(client, "iterations", "batch_size=100&n_samples=79&epochs=1&choice=7")
    assert options.status_code == 422 and "6, 60, 600, 6000" in options.json()["detail"][0]["msg"]
    assert client.app.state.service.stats.runs_started == before
