"""A comparison's labels and plan, and its finished history as JSON and CSV."""
from app.comparison import Comparison, history, history_csv
from app.engine import Eval, RunStatus
from app.links import parse_comparison
from app.services import RunRecord


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
