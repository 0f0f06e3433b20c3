"""The preview picture's text: every run told apart at one large size, counts readable at chat size."""

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app import i18n, picture
from app import picture_panel as panel
from app.comparison import Comparison
from app.lessons import BY_NAME
from app.links import parse_comparison


@pytest.fixture(scope="module")
def renderer():
    return FigureCanvasAgg(Figure(figsize=(12, 6.3), dpi=100)).get_renderer()


def test_names_that_set_the_same_keys_show_the_keys_once_and_only_the_values():
    assert panel.common_keys(["learning_rate=0.1", "learning_rate=0.5"]) == ("learning_rate", ["0.1", "0.5"])
    assert panel.common_keys(["a=1, b=2", "a=2, b=3"]) == ("a, b", ["1, 2", "2, 3"])
    assert panel.common_keys(["lr=0.1, m=0", "lr=0.1, m=0.9"]) == ("lr=0.1, m", ["0", "0.9"])  # a key set alike
    assert panel.common_keys(["SGD", "full batch"]) == ("", ["SGD", "full batch"])
    assert panel.common_keys(["a=1", "b=2"]) == ("", ["a=1", "b=2"])


def test_the_keras_sgd_runs_are_told_apart_uncut_at_one_size(renderer):
    comparison = Comparison(parse_comparison(BY_NAME["keras_sgd"].query, frozenset(), 8))
    header, values = panel.common_keys(comparison.labels)
    assert header == "momentum, nesterov, decay" and len(set(values)) == 4
    width = panel.RIGHT - picture.PANEL_LEFT - panel.SWATCH - 0.012
    shown, size = panel.fit_all(renderer, values, width, panel.sizes(4)[0])
    assert shown == values and size >= 22  # none cut, all large


def test_names_too_long_are_cut_at_the_size_of_the_others(renderer):
    shown, size = panel.fit_all(renderer, ["x" * 200, "SGD"], 0.27, (22, 17))
    assert shown[0].endswith("…") and len(shown[0]) < 60 and shown[1] == "SGD" and size == 17
    assert panel.fit(renderer, "SGD", 0.27, (22, 17)) == ("SGD", 22)


def test_each_run_has_a_large_name_and_a_large_count_under_it():
    """At 400x210 (a chat's thumbnail, a third of 1200) a count of 18 points is ~8 px high."""
    t = i18n.strings("en")
    runs = [picture.curve(name, "completed", [1.0] * n, 1, False, [], planned=n)
            for name, n in (("full batch", 20), ("SGD", 20000), ("mini-batch", 200))]
    runs.append(picture.curve("patience=50", "stopped", [1.0] * 255, 5, False, [], planned=1500))
    fig, _ = picture.figure(1200)
    panel.names(fig, runs, t, ["band", "val"])
    texts = {text.get_text(): text.get_fontsize() for text in fig.texts}
    names = [texts[name] for name in ("full batch", "SGD", "mini-batch", "patience=50")]
    assert len(set(names)) == 1 and names[0] >= 19
    assert texts["20000 updates"] >= 17 and texts["255 of 1500 updates\nstopped at epoch 51"] >= 17
    assert texts[t["share_band"]] and texts[t["val_loss"]]


def test_the_panels_sizes_shrink_with_the_number_of_runs():
    order = [panel.sizes(n) for n in (1, 3, 4, 8)]
    assert all(a[0] >= b[0] and a[1] >= b[1] for a, b in zip(order, order[1:]))
    assert min(panel.sizes(3)[1]) >= 18 and panel.sizes(8)[0][-1] >= 14 and panel.sizes(5) == panel.sizes(8)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_eight_runs_under_a_header_and_a_key_do_not_overlap(lang):
    """Eight learning rates (a header, "learning_rate", then the values), diverged ones on longer
    lines, and a key line: no name, count or key covers another (pt-BR's counts overlapped the
    next name)."""
    t = i18n.strings(lang)
    runs = [picture.curve(f"learning_rate={lr}", "completed" if lr < 0.4 else "diverged",
                          [1.0] * (640 if lr < 0.4 else 12), 32, False, [], planned=640)
            for lr in (0.0002, 0.002, 0.02, 0.1, 0.2, 0.3, 0.4, 0.5)]
    fig, canvas = picture.figure(1200)
    panel.names(fig, runs, t, ["val"])
    boxes = [text.get_window_extent(canvas.get_renderer()) for text in fig.texts if text.get_text()]
    assert len(boxes) == 1 + 8 * 2 + 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.y1 <= b.y0 + 0.5 or b.y1 <= a.y0 + 0.5 or a.x1 <= b.x0 or b.x1 <= a.x0, (a, b)
