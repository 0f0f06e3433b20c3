"""What a run yields, and its one status word."""
import math

import numpy as np

from app.engine import RunStatus, Update, Updates


def test_only_pending_and_running_have_not_ended():
    assert [s for s in RunStatus if not s.ended] == [RunStatus.PENDING, RunStatus.RUNNING]
    assert RunStatus.DIVERGED == "diverged"


def test_updates_expand_one_by_one_with_unmeasured_cosines_as_none():
    block = Updates(5, np.array([1.0, 0.5]), np.array([math.nan, 0.25]))
    assert block.expand() == [Update(5, 1.0, None), Update(6, 0.5, 0.25)]
