"""app/fleet/codec.py: a run's history in chunks, applied anywhere after any prefix of it, and as
bytes (exact floats, NaN and infinities included)."""
import math

import numpy as np
import pytest

from app.engine import Boundary, Eval, PathPoint, RunStatus
from app.fleet import codec
from app.fleet.codec import Counts
from app.services import RunRecord
from tests.support.configs import train_config


def trained(**keys) -> RunRecord:
    """A record filled as a job fills it: blocks of updates, evaluations, path, boundaries."""
    from app.services.jobs import Job

    job = Job([RunRecord(train_config(**keys))])
    job.run()
    return job.records[0]


@pytest.fixture(scope="module")
def moons():
    return trained(dataset="moons", n_samples=2000, epochs=4, batch_size=4, hidden=(8,))


@pytest.fixture(scope="module")
def linear():
    return trained(dataset="linear", n_samples=2000, epochs=3, batch_size=1)


def same(a: RunRecord, b: RunRecord) -> None:
    assert (a.status, a.error, a.seconds, a.measures_noise, a.early_stopped) == \
        (b.status, b.error, b.seconds, b.measures_noise, b.early_stopped)
    assert a.loss.tobytes() == b.loss.tobytes() and a.cosine.tobytes() == b.cosine.tobytes()
    assert list(a.ends) == list(b.ends)
    assert (a.evals, a.path, a.boundaries) == (b.evals, b.path, b.boundaries)
    assert (a.initial_params, a.final_params, a.boundary_grid) == (b.initial_params, b.final_params, b.boundary_grid)


@pytest.mark.parametrize("name", ["moons", "linear"])
def test_a_whole_run_round_trips_through_bytes(name, request):
    rec = request.getfixturevalue(name)
    assert rec.status == RunStatus.COMPLETED and len(rec.ends) > 1
    data = codec.encode(codec.extract(rec, Counts()))
    assert data[:3] == b"G1z"  # compressed: a whole run is well over a few KB
    same(codec.record(rec.config, data), rec)


def test_chunks_cut_anywhere_rebuild_the_same_record(moons):
    """A follower applies chunks published at arbitrary moments, some overlapping what it holds."""
    copy = RunRecord(moons.config)
    partial = RunRecord(moons.config)  # a source that grows block by block, as a job's record does
    codec.apply(partial, codec.Chunk(Counts(), start={"initial_params": moons.initial_params,
                                                      "boundary_grid": moons.boundary_grid,
                                                      "measures_noise": moons.measures_noise}))
    at = Counts()
    a = 0
    for j, b in enumerate(moons.ends):
        partial.evals.extend(ev for ev in moons.evals if a < ev.update <= b or (j == 0 and ev.update == 0))
        partial.path.extend(pt for pt in moons.path if a < pt.update <= b or (j == 0 and pt.update == 0))
        partial.boundaries.extend(x for x in moons.boundaries if a < x.update <= b or (j == 0 and x.update == 0))
        partial.add_updates(np.frombuffer(moons.loss[a:b].tobytes()), np.frombuffer(moons.cosine[a:b].tobytes()))
        a = b
        if j % 3 == 1:
            chunk = codec.decode(codec.encode(codec.extract(partial, at)))
            codec.apply(copy, chunk)
            codec.apply(copy, chunk)  # the same chunk again adds nothing
            at = Counts(max(0, at.updates - 5), at.evals, at.path, at.boundaries, True)  # overlap
            at = chunk.end if j % 2 else at
    partial.final_params, partial.seconds, partial.status = moons.final_params, moons.seconds, moons.status
    codec.apply(copy, codec.extract(partial, at))
    same(copy, moons)


def test_a_chunk_beyond_the_record_is_a_gap(linear):
    rec = RunRecord(linear.config)
    with pytest.raises(codec.Gap):
        codec.apply(rec, codec.extract(linear, Counts(10, 0, 0, 0, True)))


def test_non_finite_numbers_and_failures_survive():
    rec = RunRecord(train_config())
    rec.status = RunStatus.RUNNING
    rec.evals.append(Eval(0, 0.0, math.inf, None))
    rec.path.append(PathPoint(0, (math.nan, -math.inf)))
    rec.boundaries.append(Boundary(0, [0.5, 0.25]))
    rec.add_updates(np.array([1.0, math.nan, math.inf]), np.array([math.nan, 0.5, -0.5]))
    rec.fail("training failed: boom")
    back = codec.record(rec.config, codec.encode(codec.extract(rec, Counts())))
    assert back.status == RunStatus.FAILED and back.error == "training failed: boom"
    assert back.loss.tobytes() == rec.loss.tobytes() and back.cosine.tobytes() == rec.cosine.tobytes()
    assert back.evals[0].train_loss == math.inf and back.evals[0].val_loss is None
    assert math.isnan(back.path[0].params[0]) and back.path[0].params[1] == -math.inf
    assert back.boundaries == rec.boundaries


def test_an_early_stop_survives_so_other_replicas_cache_it():
    rec = RunRecord(train_config())
    rec.status, rec.early_stopped = RunStatus.RUNNING, True
    rec.status = RunStatus.STOPPED
    back = codec.record(rec.config, codec.encode(codec.extract(rec, Counts())))
    assert back.status == RunStatus.STOPPED and back.early_stopped and back.cacheable


def test_other_bytes_are_refused():
    with pytest.raises(ValueError):
        codec.decode(b"{}")
