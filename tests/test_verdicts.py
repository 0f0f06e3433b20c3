"""app/verdicts.py: the lesson's right answer judged from hand-made plans and histories."""
import math

import pytest

from app.verdicts import RULES, choices, judge


def plan(*runs):
    """A plan of runs given as (label, n_train, batch_size)."""
    return {"runs": [{"label": label, "n_train": n, "batch_size": b, "iterations_per_epoch": math.ceil(n / b)}
                     for label, n, b in runs]}


def run(status, updates, train=None, val=None):
    """A finished run as /api/history gives it (final losses: app.comparison.final_losses)."""
    return {"status": status, "updates": updates, "final_train_loss": train, "final_val_loss": val}


def test_most_updates_names_the_run_that_made_the_most():
    p = plan(("full", 1000, 1000), ("sgd", 1000, 1), ("mini", 1000, 100))
    v = judge("most_updates", p, [run("completed", 20), run("completed", 20000), run("completed", 200)])
    assert (v["value"], v["text"]) == ("1", "sgd")
    assert [r["updates"] for r in v["runs"]] == [20, 20000, 200]


def test_most_updates_counts_what_was_done_not_what_was_planned():
    p = plan(("a", 100, 1), ("b", 100, 10))
    v = judge("most_updates", p, [run("diverged", 7), run("completed", 20)])
    assert v["value"] == "1"


def test_iterations_per_epoch_is_the_first_runs_ceil():
    v = judge("iterations_per_epoch", plan(("r", 60000, 100)), [run("completed", 6000)])
    assert (v["value"], v["text"]) == ("600", "600")
    assert (v["runs"][0]["n_train"], v["runs"][0]["batch_size"]) == (60000, 100)
    assert judge("iterations_per_epoch", plan(("r", 1001, 100)), [run("completed", 11)])["value"] == "11"


def test_lowest_train_loss_skips_diverged_runs_even_with_a_low_last_number():
    p = plan(("small", 100, 10), ("good", 100, 10), ("huge", 100, 10))
    runs = [run("completed", 20, 0.8), run("completed", 20, 0.3),
            run("diverged", 12, None)]  # a diverged run has no final loss, whatever it showed before
    v = judge("lowest_train_loss", p, runs)
    assert (v["value"], v["text"]) == ("1", "good")
    assert [r["final_train_loss"] for r in v["runs"]] == [0.8, 0.3, None]
    assert (v["digits"], v["tied"]) == (4, [1])  # at least the 4 digits the table prints
    assert v["runs"][2]["status"] == "diverged"


def test_lowest_val_loss_judges_the_validation_loss_of_an_early_stopped_run():
    p = plan(("long", 50, 10), ("early", 50, 10))
    runs = [run("completed", 1500, 0.0001, 4.68), run("stopped", 255, 0.2, 1.40)]
    v = judge("lowest_val_loss", p, runs)
    assert (v["value"], v["text"]) == ("1", "early")
    assert [r["final_val_loss"] for r in v["runs"]] == [4.68, 1.40]


def test_ties_go_to_the_first_run_and_all_missing_names_the_first():
    p = plan(("a", 10, 10), ("b", 10, 10))
    assert judge("lowest_train_loss", p, [run("completed", 1, 0.5), run("completed", 1, 0.5)])["value"] == "0"
    assert judge("lowest_train_loss", p, [run("diverged", 1), run("diverged", 1)])["value"] == "0"


def test_losses_that_print_alike_get_more_digits_or_are_a_tie():
    p = plan(("plain", 10, 10), ("momentum", 10, 10), ("nesterov", 10, 10))
    close = judge("lowest_train_loss", p, [run("completed", 1, 0.262980), run("completed", 1, 0.262954),
                                           run("completed", 1, 0.5)])
    assert (close["value"], close["digits"], close["tied"]) == ("1", 5, [1])  # 0.26298 vs 0.26295
    alike = judge("lowest_train_loss", p, [run("completed", 1, 0.1234567), run("completed", 1, 0.1234568),
                                           run("completed", 1, 0.5)])
    assert (alike["digits"], alike["tied"]) == (None, [0, 1])  # alike even at 6 digits: a tie


def test_an_unknown_rule_is_refused():
    assert "most_updates" in RULES
    with pytest.raises(ValueError, match="unknown rule"):
        judge("best_vibes", plan(("a", 10, 10)), [run("completed", 1)])


def test_a_choice_is_judged_right_or_wrong():
    p = plan(("full", 1000, 1000), ("sgd", 1000, 1))
    runs = [run("completed", 20), run("completed", 20000)]
    assert judge("most_updates", p, runs, "1")["right"] is True
    assert judge("most_updates", p, runs, "0")["right"] is False
    assert "right" not in judge("most_updates", p, runs)  # no choice, nothing to judge
    ipe = plan(("r", 60000, 100))
    assert judge("iterations_per_epoch", ipe, [run("completed", 6000)], "600")["right"] is True
    assert judge("iterations_per_epoch", ipe, [run("completed", 6000)], "60")["right"] is False


def test_in_a_tie_any_tied_run_is_right():
    p = plan(("plain", 10, 10), ("momentum", 10, 10), ("nesterov", 10, 10))
    runs = [run("completed", 1, 0.1234567), run("completed", 1, 0.1234568), run("completed", 1, 0.5)]
    assert [judge("lowest_train_loss", p, runs, c)["right"] for c in "012"] == [True, True, False]


def test_choices_are_the_options_else_the_runs_indices():
    assert choices(("6", "60"), 1) == ["6", "60"]
    assert choices((), 3) == ["0", "1", "2"]
