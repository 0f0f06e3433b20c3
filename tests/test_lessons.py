"""Every lesson card: a canonical, valid comparison within the limits, translated in four
languages, and its claim true in its own numbers (read through /api/history, as a user would)."""
import pytest

from app import i18n
from app.comparison import significant_digits
from app.lessons import DEFAULT_QUERY, LESSONS, cards, texts
from app.links import parse_comparison, to_query
from app.schemas import PAGE_KEYS
from app.services import check_budget
from app.settings import Settings

NAMES = [lesson.name for lesson in LESSONS]


def test_the_contracts_lesson_names_are_all_there():
    assert NAMES == ["batch_size", "iterations", "learning_rate", "keras_sgd", "normalization", "batch_norm",
                     "overfitting"]
    assert DEFAULT_QUERY == "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"


@pytest.mark.parametrize("lesson", LESSONS, ids=NAMES)
def test_every_lesson_is_a_canonical_valid_comparison(lesson):
    runs = parse_comparison(lesson.query)
    assert to_query(runs) == lesson.query
    assert check_budget([r.train_config() for r in runs], Settings()) == []


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_card_is_written_in_every_language_with_the_same_query(lang):
    for card, lesson in zip(cards(lang), LESSONS):
        assert card["query"] == lesson.query and card["name"] == lesson.name
        assert all(card[f].strip() for f in ("title", "text", "question")), (lang, card["name"])
        sentences = card["text"].count(". ") + card["text"].count("。") + card["text"].count(".") // 3
        assert card["text"].count("\n") == 0 and len(card["text"]) < 600 and sentences >= 1
    english = {c["name"]: c["text"] for c in cards("en")}
    if lang != "en":
        assert all(c["text"] != english[c["name"]] for c in cards(lang))  # translated, not copied


def test_a_card_opens_with_its_page_keys():
    pages = {c["name"]: c["page"] for c in cards("en")}
    assert pages["keras_sgd"] == "logy=true&smooth=0.6" and pages["batch_size"] == ""
    for lesson in LESSONS:
        keys = [pair.split("=")[0] for pair in lesson.page.split("&") if pair]
        assert all(key in PAGE_KEYS and key not in ("lesson", "lang") for key in keys), lesson.name


def test_lessons_endpoint_serves_the_cards(client):
    body = client.get("/api/lessons?lang=ja").json()
    assert [c["name"] for c in body["lessons"]] == NAMES
    assert body["lessons"][0]["title"] == texts()["batch_size"]["title"]["ja"]
    assert client.get("/api/lessons?lang=xx").json()["lessons"][0]["title"] == texts()["batch_size"]["title"]["en"]


def history(client, name):
    return client.get(f"/api/history?{next(l for l in LESSONS if l.name == name).query}").json()["runs"]


def final(run, key="train_loss"):
    return [e[key] for e in run["evals"]][-1]


def epoch_end_losses(run, per_epoch):
    return [e["train_loss"] for e in run["evals"] if e["update"] % per_epoch == 0]


def test_batch_size_card(client):
    assert [r["updates"] for r in history(client, "batch_size")] == [20, 20000, 200]


def test_iterations_card(client):
    plan = client.get(f"/api/plan?{LESSONS[1].query}").json()["runs"][0]
    assert (plan["iterations_per_epoch"], plan["total_updates"]) == (600, 6000)
    assert history(client, "iterations")[0]["status"] == "completed"


def test_learning_rate_card_too_small_good_oscillating_diverging(client):
    small, good, large, huge = history(client, "learning_rate")
    assert [r["status"] for r in (small, good, large)] == ["completed"] * 3 and huge["status"] == "diverged"
    assert final(small) >= 3 * final(good)  # visibly slow
    ends = epoch_end_losses(large, 32)
    assert sum(b > a for a, b in zip(ends, ends[1:])) >= 3 and final(large) > final(good)  # oscillates


def test_keras_sgd_card_momentum_runs_along_the_valley_plain_sgd_crawls(client):
    """Same learning rate in a long narrow valley: plain SGD ends at least 3x above the best
    momentum run; Nesterov and decay print differently; the best run is best by far."""
    plain, momentum, nesterov, decayed = runs = history(client, "keras_sgd")
    assert [r["status"] for r in runs] == ["completed"] * 4
    losses = [r["final_train_loss"] for r in runs]
    assert plain["final_train_loss"] >= 3 * min(losses[1:])
    assert significant_digits(losses) == 3  # all four print differently at 3 significant digits
    best, second = sorted(losses)[:2]
    assert nesterov["final_train_loss"] == best and second >= 10 * best  # unambiguous, not a near tie
    assert decayed["final_train_loss"] > nesterov["final_train_loss"]  # decay slows the same run down
    assert momentum["final_train_loss"] < plain["final_train_loss"] / 1000


@pytest.mark.parametrize("name", ["normalization", "batch_norm"])
def test_normalizing_helps(client, name):
    without, with_ = history(client, name)
    assert final(with_) <= 0.8 * final(without)


def test_overfitting_card(client):
    long_run, early = history(client, "overfitting")
    val = [e["val_loss"] for e in long_run["evals"]]
    assert val[-1] >= 1.25 * min(val)
    assert early["status"] == "stopped" and early["updates"] < long_run["updates"]
    # "within a few epochs ... the validation loss rises"; stopped 50 epochs after its lowest,
    # keeping the last weights (its final validation loss is above its lowest), as Keras by default
    per_epoch = 5  # 50 training examples at batch 10
    epoch_val = [e["val_loss"] for e in early["evals"] if e["update"] % per_epoch == 0]
    best = min(range(len(epoch_val)), key=epoch_val.__getitem__)
    assert best <= 5 and early["updates"] == (best + 50) * per_epoch
    assert early["final_val_loss"] == epoch_val[-1] > epoch_val[best]
