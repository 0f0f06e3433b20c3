"""A comparison's labels and plan, and its finished history as JSON and CSV."""
import pytest

from app.comparison import Comparison, final_eval, final_losses, history, history_csv, js_number, significant_digits
from app.engine import Eval, RunStatus
from app.links import parse_comparison
from app.services import RunRecord
from tests.support import cases


def comparison(query):
    return Comparison(parse_comparison(query))


def test_automatic_labels_name_the_keys_that_differ():
    assert comparison("batch_size=full,1&learning_rate=0.1,0.2").labels == [
        "batch_size=full, learning_rate=0.1", "batch_size=1, learning_rate=0.2"]
    assert comparison("batch_size=1&label=mine").labels == ["mine"]
    assert comparison("batch_size=3,3").labels == ["run 1", "run 2"]


def test_plan_carries_the_canonical_query_and_each_runs_config():
    plan = comparison("epochs=2,2&batch_size=1,full").plan
    assert plan["query"] == "dataset=linear&n_samples=1000&epochs=2&batch_size=1,full"
    assert [r["total_updates"] for r in plan["runs"]] == [2000, 2]
    assert plan["runs"][0]["config"]["learning_rate"] == 0.01 and plan["runs"][0]["n_params"] == 2


def finished_records(comp):
    records = []
    for cfg in comp.configs:
        rec = RunRecord(cfg)
        rec.loss.extend([0.5, 0.25])
        rec.evals.extend([Eval(0, 0.0, 1.0, None), Eval(2, 2.0, 0.2, None)])
        rec.status, rec.seconds = RunStatus.COMPLETED, 0.5
        records.append(rec)
    return records


def test_history_json_and_csv():
    comp = comparison("n_samples=2&batch_size=1&epochs=2")
    records = finished_records(comp)
    runs = history(comp, records)["runs"]
    assert runs[0]["status"] == "completed" and runs[0]["loss"] == [0.5, 0.25] and runs[0]["seconds"] == 0.5
    csv = history_csv(comp, records).splitlines()
    assert csv[0] == "run,label,update,epoch,loss,train_loss,val_loss,status"
    assert csv[1:] == ["0,run 1,0,0.0,,1.0,,completed", "0,run 1,1,0.5,0.5,,,completed",
                       "0,run 1,2,1.0,0.25,0.2,,completed"]


def evals(*points):
    """Eval(update, epoch, train_loss, val_loss) at 4 updates per epoch."""
    return [Eval(k, k / 4, train, val) for k, train, val in points]


def test_final_training_loss_is_the_evaluation_after_the_last_completed_epoch():
    run = evals((0, 3.0, 3.5), (2, 2.0, 2.5), (4, 1.0, 1.5), (6, 0.8, 1.2), (8, 0.5, 0.7), (10, 0.4, 0.6))
    assert final_eval(run, 4, RunStatus.COMPLETED) == Eval(8, 2.0, 0.5, 0.7)  # not update 10, mid-epoch
    assert final_losses(run, 4, RunStatus.STOPPED) == (0.5, 0.7)
    assert final_losses(run[:2], 4, RunStatus.STOPPED) == (None, None)  # no epoch completed yet
    # a diverged run has no final loss: not its loss before training, not its last finite check
    assert final_losses(run, 4, RunStatus.DIVERGED) == (None, None)
    assert final_losses(run, 4, RunStatus.FAILED) == (None, None)
    assert final_losses(evals((0, 3.0, None), (4, 1.0, None)), 4, RunStatus.RUNNING) == (1.0, None)


def test_history_carries_each_runs_final_losses():
    comp = comparison("n_samples=2&batch_size=1&epochs=2&learning_rate=0.1,0.2")
    records = finished_records(comp)
    records[1].status = RunStatus.DIVERGED
    runs = history(comp, records)["runs"]
    assert [(r["final_train_loss"], r["final_val_loss"]) for r in runs] == [(0.2, None), (None, None)]


def test_significant_digits_tell_values_apart_or_call_a_tie():
    assert significant_digits([0.5, 0.25, 1e-9]) == 3
    assert significant_digits([0.262980, 0.262954]) == 5  # 0.263 and 0.263 at 3 digits
    assert significant_digits([1.0000001, 1.0000002]) is None  # alike at 6 digits: a tie
    assert significant_digits([0.5, 0.5]) is None
    assert significant_digits([0.123456, 0.123457, None]) == 6  # runs without a final loss left out
    assert significant_digits([0.1234, 0.1235], least=1, most=4) == 4
    assert significant_digits([2.0]) == 3 and significant_digits([]) == 3


@pytest.mark.parametrize("case", cases.load("numbers"), ids=cases.about)
def test_numbers_print_as_format_js_prints_them(case):
    """tests/cases/numbers.json, also run against format.js formatNumber (tests/js/format.test.mjs)."""
    assert js_number(case["x"], case["digits"]) == case["text"]


@pytest.mark.parametrize("case", cases.load("numbers", "distinct"), ids=cases.about)
def test_a_verdicts_digits_are_those_the_page_tells_the_values_apart_at(case):
    """tests/cases/numbers.json: the page prints the values with these digits (tests/js/format.test.mjs)."""
    assert significant_digits(case["values"], least=case["least"]) == case["digits"]
    assert [js_number(v, case["digits"] or 6) for v in case["values"]] == case["texts"]


@pytest.mark.parametrize("case", cases.load("final_losses"), ids=cases.about)
def test_the_final_losses_are_the_pages(case):
    """tests/cases/final_losses.json, also run against run.js finalLosses (tests/js/run.test.mjs)."""
    ipe = case["iterations_per_epoch"]
    evals = [Eval(update, update / ipe, train, val) for update, train, val in case["evals"]]
    assert final_losses(evals, ipe, RunStatus(case["status"])) == (case["train"], case["val"])
