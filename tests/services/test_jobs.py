"""A job trains its runs interleaved, stops within one update when cancelled, and fails loudly."""

from app.engine import RunStatus
from app.services import RunRecord
from app.services.jobs import Job
from tests.helpers import train_config


def test_a_job_trains_every_run_to_its_end_with_its_own_compute_time():
    job = Job([RunRecord(train_config(batch_size=b, n_samples=100, epochs=3)) for b in ("full", 10)])
    job.run()
    assert [r.status for r in job.records] == [RunStatus.COMPLETED] * 2
    assert [len(r.loss) for r in job.records] == [3, 30]
    assert all(r.seconds > 0 and r.final_params and r.initial_params for r in job.records)


def test_cancel_stops_within_one_update():
    rec = RunRecord(train_config(batch_size=1, n_samples=1000, epochs=5))
    job = Job([rec])
    seen = []

    def cancel_at_100(value):  # called by the worker thread for every loss it appends
        seen.append(value)
        if len(seen) == 100:
            job.cancel.set()
        return original(value)

    original = rec.loss.append
    rec.loss = _Appender(rec.loss, cancel_at_100)
    job.run()
    assert rec.status == RunStatus.STOPPED
    assert len(rec.loss) == 100  # not one update more


class _Appender:
    """An array whose append is observed (array.array's append cannot be patched)."""

    def __init__(self, inner, append):
        self.inner, self.append = inner, append

    def __len__(self):
        return len(self.inner)


def test_a_run_that_cannot_start_fails_and_the_others_still_train(monkeypatch):
    import app.services.jobs as jobs

    real = jobs.Trainer

    def picky(config, **kw):
        if config.epochs == 2:
            raise ValueError("no such model")
        return real(config, **kw)

    monkeypatch.setattr(jobs, "Trainer", picky)
    job = Job([RunRecord(train_config(epochs=e, n_samples=50)) for e in (1, 2)])
    job.run()
    assert job.records[0].status == RunStatus.COMPLETED
    assert job.records[1].status == RunStatus.FAILED and "no such model" in job.records[1].error


def test_a_job_cancelled_before_it_runs_marks_its_runs_stopped():
    job = Job([RunRecord(train_config())])
    job.cancel.set()
    job.skip()
    assert job.records[0].status == RunStatus.STOPPED
