from app.engine import RunStatus
from app.services import RunRecord
from app.services.cache import ResultCache
from tests.support.configs import train_config


def finished(epochs, n_loss=10, status=RunStatus.COMPLETED):
    rec = RunRecord(train_config(epochs=epochs))
    rec.loss.extend([1.0] * n_loss)
    rec.status = status
    return rec


def test_least_recently_used_goes_first_when_full():
    cache = ResultCache(max_runs=2, max_updates=1000)
    a, b, c = finished(1), finished(2), finished(3)
    cache.put(a)
    cache.put(b)
    assert cache.get(a.config) is a  # a is now the most recent
    cache.put(c)
    assert a.config in cache and c.config in cache and b.config not in cache and len(cache) == 2


def test_bounded_by_losses_held_in_all():
    cache = ResultCache(max_runs=10, max_updates=25)
    for e in (1, 2, 3):
        cache.put(finished(e))
    assert len(cache) == 2


def test_only_runs_the_same_link_gives_again_are_kept():
    cache = ResultCache(10, 1000)
    for status in (RunStatus.STOPPED, RunStatus.FAILED):
        cache.put(finished(1, status=status))
    assert len(cache) == 0
    cache.put(finished(1, status=RunStatus.DIVERGED))
    assert len(cache) == 1
