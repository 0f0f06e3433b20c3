"""The live chart's rules as the pictures follow them. The cases (tests/cases/chart_rules.json)
are also run by node against smoothing.js, decimate.js, ranges.js and theme.js
(tests/js/chart_rules.test.mjs), so the two cannot drift apart."""
import pytest

from app import chart_rules
from tests.support import cases


def test_the_pages_constants():
    want = cases.load("chart_rules", "constants")
    assert {"HEADROOM": chart_rules.HEADROOM, "MAX_BUCKETS": chart_rules.MAX_BUCKETS} == want


@pytest.mark.parametrize("case", cases.load("chart_rules", "smoothing"), ids=cases.about)
def test_smoothing_is_the_pages_debiased_moving_average_from_the_first_loss(case):
    got = chart_rules.smooth(case["values"], case["weight"], case.get("log", False))
    assert list(got) == pytest.approx(case["smoothed"], rel=1e-12)


@pytest.mark.parametrize("case", cases.load("chart_rules", "weights"), ids=cases.about)
def test_the_page_smooths_every_run_but_a_full_batch(case):
    got = chart_rules.smoothing_weight(case["iterations_per_epoch"], case["full_batch"], case.get("chosen"))
    assert got == pytest.approx(case["weight"])


@pytest.mark.parametrize("case", cases.load("chart_rules", "buckets"), ids=cases.about)
def test_buckets_double_as_decimate_js_until_800_hold_the_run(case):
    assert chart_rules.bucket_size(case["n"]) == case["size"]


@pytest.mark.parametrize("case", cases.load("chart_rules", "ranges"), ids=cases.about)
def test_the_loss_axis_comes_from_the_runs_that_did_not_diverge(case):
    runs = [(r["diverged"], r["top"], r["top"], r["low"]) for r in case["runs"]]
    assert chart_rules.loss_range(runs) == pytest.approx(tuple(case["range"] or case["autorange"]))
