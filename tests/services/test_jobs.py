"""A job trains its runs interleaved, stops within one update when cancelled, and fails loudly."""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from app.engine import RunStatus, Trainer
from app.services import RunRecord, jobs
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


def test_a_run_that_cannot_start_fails_and_the_others_still_train():
    def picky(config, **kw):
        if config.epochs == 2:
            raise ValueError("no such model")
        return Trainer(config, **kw)

    job = Job([RunRecord(train_config(epochs=e, n_samples=50)) for e in (1, 2)], trainer=picky)
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


def test_a_runs_clock_starts_once_the_kernels_are_loaded():
    """Loading the compiled kernels (the first run after start-up waits for it) is not the run's
    compute time: on a fake clock the load takes 1000 s, the runs' seconds stay far below."""
    now, at_warm = [0.0], []

    def clock() -> float:
        now[0] += 0.001
        return now[0]

    def slow_warm() -> None:
        at_warm.append([(rec.status, rec.seconds) for rec in job.records])
        now[0] += 1000.0

    job = Job([RunRecord(train_config(batch_size=b, n_samples=100, epochs=2)) for b in ("full", 10)],
              warm=slow_warm, clock=clock)
    job.run()
    assert at_warm == [[(RunStatus.PENDING, 0.0)] * 2]  # nothing started or timed before the kernels
    assert [r.status for r in job.records] == [RunStatus.COMPLETED] * 2
    assert all(0 < r.seconds < 1000 for r in job.records)


FRESH_PROCESS = """
import json, threading
from app.engine import compiled
from app.engine import Trainer
from app.services import RunRecord
from app.services import jobs
from tests.support.configs import train_config

ready_at_start = []
def trainer(*args, **kwargs):
    ready_at_start.append(compiled.WARMED.is_set())
    return Trainer(*args, **kwargs)
before = compiled.WARMED.is_set()
threading.Thread(target=compiled.warm, daemon=True).start()  # as the app's start-up does
job = jobs.Job([RunRecord(train_config(batch_size=1, n_samples=50, epochs=1))], trainer=trainer)
job.run()  # at once, as a first request right after start-up
print(json.dumps([before, ready_at_start, job.records[0].status]))
"""


def test_in_a_fresh_process_the_first_run_starts_after_the_background_warm_up():
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == [False, [True], "completed"]


def test_warm_runs_once_per_process(monkeypatch):
    jobs.compiled.warm()
    assert jobs.compiled.WARMED.is_set()
    monkeypatch.setattr(jobs.compiled, "CompiledSteps", None)  # a second warm-up would fail on it
    jobs.compiled.warm()
