"""A job trains its runs interleaved, stops within one update when cancelled, and fails loudly."""

import threading
import time

from app.engine import RunStatus, Trainer
from app.services import RunRecord
from app.services.jobs import Cancel, Job
from tests.support.configs import train_config


def test_a_job_trains_every_run_to_its_end_with_its_own_compute_time():
    job = Job([RunRecord(train_config(batch_size=b, n_samples=100, epochs=3)) for b in ("full", 10)])
    job.run()
    assert [r.status for r in job.records] == [RunStatus.COMPLETED] * 2
    assert [len(r.loss) for r in job.records] == [3, 30]
    assert all(r.seconds > 0 and r.final_params and r.initial_params for r in job.records)


def test_cancel_raises_every_trainers_stop_flag_and_the_run_ends_stopped():
    rec = RunRecord(train_config(batch_size=1, n_samples=100_000, epochs=5))
    job = Job([rec])
    worker = threading.Thread(target=job.run)
    worker.start()
    while len(rec.loss) == 0:
        time.sleep(0.001)
    job.cancel.set()
    worker.join(30)
    assert not worker.is_alive() and rec.status == RunStatus.STOPPED
    assert 0 < len(rec.loss) < 500_000


def test_a_stop_flag_ends_the_reference_loop_within_one_update():
    trainer = Trainer(train_config(batch_size=1, n_samples=1000, epochs=5), compiled=False)
    update, calls = trainer.optimizer.update, []

    def update_then_stop_at_100(params, grads):
        update(params, grads)
        calls.append(1)
        if len(calls) == 100:
            flag = Cancel()
            flag.watch(trainer.stop)
            flag.set()

    trainer.optimizer.update = update_then_stop_at_100
    done = list(trainer.steps())[-1]
    assert (done.status, done.updates) == (RunStatus.STOPPED, 100)


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


def test_a_slice_reaches_the_record_as_one_block_and_every_eval_precedes_its_losses():
    rec = RunRecord(train_config(batch_size=1, n_samples=1000, epochs=2))  # 2000 updates, path every 5
    Job([rec]).run()
    assert rec.status == RunStatus.COMPLETED and rec.ends[-1] == len(rec.loss) == 2000
    assert len(rec.ends) <= 2000 // 256 + 1  # slices of MIN_SLICE updates, not one block per path point
    assert len(rec.path) > len(rec.ends)
