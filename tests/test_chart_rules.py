"""The live chart's rules ported for the pictures: smoothing.js, decimate.js and ranges.js."""
import math

import numpy as np
import pytest

from app import chart_rules


def smoothed_as_the_page(values, weight):
    """smoothing.js's Smoother, value by value: the debiased moving average."""
    out, ema = [], 0.0
    for count, v in enumerate(values, start=1):
        ema = weight * ema + (1 - weight) * v
        out.append(ema / (1 - weight ** count))
    return out


@pytest.mark.parametrize("weight", [0.5, 0.9, 0.99, 0.999])
def test_smoothing_is_the_pages_debiased_moving_average_from_the_first_loss(weight):
    values = np.random.default_rng(0).random(1000) * 3
    got = chart_rules.smooth(values, weight)
    assert got[0] == values[0]  # the line starts at the first loss, not near the later ones
    assert got == pytest.approx(smoothed_as_the_page(values, weight), rel=1e-12)


def test_the_page_smooths_every_run_but_a_full_batch():
    assert chart_rules.smoothing_weight(1000, False) == 0.99  # capped
    assert chart_rules.smoothing_weight(10, False) == pytest.approx(0.9)
    assert chart_rules.smoothing_weight(1, True) == 0
    assert list(chart_rules.smooth([3.0, 2.0], 0)) == [3.0, 2.0]


def test_buckets_double_as_decimate_js_until_800_hold_the_run():
    assert [chart_rules.bucket_size(n) for n in (0, 800, 801, 1600, 1601, 20000)] == [1, 1, 2, 2, 4, 32]


def test_without_a_diverged_run_the_axis_spans_every_value_drawn_as_plotly_autorange():
    # (diverged, largest loss, largest value drawn, smallest value drawn)
    assert chart_rules.loss_range([(False, 6.0, 6.0, 0.2), (False, 3.4, 3.4, 0.25)]) == pytest.approx((-0.09, 6.29))


def test_a_diverged_run_leaves_the_axis_to_the_others_largest_loss_with_headroom():
    span = chart_rules.loss_range([(False, 4.0, 4.0, 0.1), (True, 1e30, math.inf, 0.1)])
    assert span == (0.0, pytest.approx(6.0))
