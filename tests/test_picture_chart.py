"""The picture's loss chart (app/picture_chart.py) words its runs as the live chart does: the end
labels of tests/cases/end_labels.json, also run against format.js endLabel (tests/js/format.test.mjs)."""
import pytest

from app import i18n, picture, picture_chart
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
