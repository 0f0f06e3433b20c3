"""The picture's loss chart (app/picture_chart.py) words its runs as the live chart does: the end
labels of tests/cases/end_labels.json, also run against format.js endLabel (tests/js/format.test.mjs)."""
import numpy as np
import pytest

from app import i18n, picture, picture_chart
from app.engine import Eval
from tests.support import cases


@pytest.mark.parametrize("case", cases.load("end_labels"), ids=cases.about)
def test_end_labels_are_the_live_charts_in_every_language(case):
    t = i18n.strings(case["lang"])
    plan, run = case["plan"], case["run"]
    name = plan["label"] if case["named"] else t[f"variant_{plan['variant']}"]
    curve = picture.curve(name, run["status"], [1.0] * run["updates"], plan["iterations_per_epoch"],
                          plan["variant"] == "full-batch", [], plan["total_updates"], plan["label"])
    assert picture_chart.end_label(curve, t) == case["label"]


def test_the_charts_sizes_and_colours_are_the_pages():
    """tests/cases/constants.json, also checked against theme.js (tests/js/theme.test.mjs)."""
    assert picture_chart.LEGEND_ROW == cases.load("constants", "legend_row")
    assert picture_chart.MARGIN == cases.load("constants", "margin")
    assert list(picture.COLORS) == cases.load("constants", "colors")


def test_end_labels_sit_high_above_a_rising_validation_loss():
    """figure.js endMarks' slots run down from each run's highest value, its evaluations included:
    under a validation loss rising to 5, the labels of training losses under 0.6 sit in the upper
    half (they sat on the x axis's ticks, below the live chart's)."""
    from matplotlib.figure import Figure

    evals = [Eval(5 * e, e, 0.01, 0.5 + 0.015 * e) for e in range(1, 301)]
    done = picture.curve("patience=none", "completed", np.geomspace(0.6, 1e-4, 1500), 5, False, evals, 1500)
    stopped = picture.curve("patience=50", "stopped", np.geomspace(0.6, 0.04, 255), 5, False, evals[:51], 1500)
    low, top = picture.y_range([done, stopped])
    ax = Figure().add_subplot()
    picture_chart.end_labels(ax, [done, stopped], i18n.strings("en"), True, (low, top), 240)
    heights = [text.get_position()[1] for text in ax.texts]
    assert len(heights) == 2 and top > 4.5 and min(heights) > top / 2, (heights, top)
