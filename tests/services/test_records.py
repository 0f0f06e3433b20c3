import numpy as np

from app.engine import RunStatus
from app.services import RunRecord
from tests.support.configs import train_config


def test_a_record_ends_with_one_of_the_final_statuses():
    rec = RunRecord(train_config())
    assert rec.status == "pending" and not rec.finished
    rec.status = RunStatus.RUNNING
    assert not rec.finished
    for status in ("completed", "diverged", "stopped", "failed"):
        rec.status = RunStatus(status)
        assert rec.finished


def test_failing_keeps_the_detail_and_is_not_cacheable():
    rec = RunRecord(train_config())
    rec.fail("boom")
    assert rec.status == RunStatus.FAILED and rec.error == "boom" and not rec.cacheable


def test_updates_arrive_in_blocks_whose_ends_go_in_before_the_losses():
    rec = RunRecord(train_config())
    rec.add_updates(np.array([3.0, 2.0]), np.array([np.nan, 0.5]))
    rec.add_updates(np.array([1.0]), np.array([np.nan]))
    assert list(rec.ends) == [2, 3] and list(rec.loss) == [3.0, 2.0, 1.0]
    assert rec.cosine[1] == 0.5


def test_an_early_stop_is_cacheable_and_a_stop_from_outside_is_not():
    """Early stopping ends a link's run where it always will; a run nobody waited for could go on."""
    rec = RunRecord(train_config())
    rec.status = RunStatus.STOPPED
    assert not rec.cacheable
    rec.early_stopped = True
    assert rec.cacheable
