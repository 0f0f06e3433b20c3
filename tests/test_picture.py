"""The link-preview picture: curves as the page draws them, fixed bytes, every run visible, CJK text."""
import io
import math

import numpy as np
import pytest
from PIL import Image

from app import chart_rules, i18n, picture, picture_chart
from app.engine import Eval


def plot_pixels(png: bytes) -> np.ndarray:
    """The plot area's pixels (the run names beside it carry the colours too), as RGB."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    left, bottom, w, h = picture.PLOT_BOX
    box = (int(left * width), int((1 - bottom - h) * height), int((left + w) * width), int((1 - bottom) * height))
    return np.asarray(image.crop(box))


def count_color(pixels: np.ndarray, hex_color: str) -> int:
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return int(np.all(pixels == rgb, axis=-1).sum())


def noisy(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.exp(-np.linspace(0, 3, n)) + 0.3 * rng.random(n)


def test_on_a_log_axis_a_curve_is_smoothed_in_log_space_as_the_page_smooths_it():
    """A loss falling a decade an epoch: the linear average sits decades above every late loss
    (the preview showed momentum ending level with plain SGD); the log-space one within one."""
    losses = 10.0 ** -np.linspace(0, 6, 192)  # 6 epochs of 32 updates
    linear = picture.curve("SGD", "completed", losses, 32, False, [])
    logged = picture.curve("SGD", "completed", losses, 32, False, [], logy=True)
    assert linear.smooth[-1] > 1e3 * losses[-1]
    assert losses[-1] < logged.smooth[-1] < 10 * losses[-1]
    assert logged.smooth[-1] == pytest.approx(chart_rules.smooth(losses, 1 - 1 / 32, log=True)[-1], rel=1e-12)


def test_a_curve_stands_where_the_page_draws_it_and_keeps_to_the_finite_losses():
    full = picture.curve("full batch", "completed", [4.0, 3.0, 2.0, 1.0], 1, True, [])
    assert list(full.x) == [0, 1, 2, 3] and list(full.smooth) == [4, 3, 2, 1] and full.band is None  # (u - 1) epochs
    losses = [1.0, 2.0, 3.0, math.inf, math.nan]
    diverged = picture.curve("SGD", "diverged", losses, 2, False, [])
    assert diverged.updates == 5 and diverged.end == (1.0, 3.0)  # update 3 at (3 - 1) / 2 epochs
    assert list(diverged.x) == [0, 0.5, 1.0] and np.isfinite(diverged.smooth).all()
    # smoothed with the page's debiased moving average: the first point is the first loss
    assert diverged.smooth[0] == 1.0 and 1.0 < diverged.smooth[-1] < 3.0


def test_long_runs_are_drawn_from_bucket_means_with_their_noise_as_a_band():
    c = picture.curve("SGD", "completed", noisy(20000), 1000, False, [Eval(1000, 1.0, 0.5, 0.6)])
    assert len(c.x) <= picture.LINE_POINTS and c.x[-1] == pytest.approx(19999 / 1000)
    x, low, high = c.band
    assert len(x) <= picture.BAND_POINTS and (low <= high).all()
    assert c.val == (pytest.approx([1.0]), pytest.approx([0.6]))


def test_status_says_how_a_run_ended():
    t = {"status_diverged": "diverged at update {k}", "updates_of": "{k} of {n} updates",
         "stopped_at_epoch": "stopped at epoch {e}", "stopped_at_update": "stopped at update {k}",
         "status_failed": "failed", "share_updates": "{n} updates"}
    assert picture.status_text(picture.curve("a", "diverged", [1.0, math.nan], 1, True, []), t) == "diverged at update 2"
    # the page's words for an early stop: at an epoch's end (patience), or where the user stopped it
    stopped = picture.curve("a", "stopped", [1.0] * 255, 5, False, [], planned=1500)
    assert picture.status_text(stopped, t) == "255 of 1500 updates · stopped at epoch 51"
    assert picture.status_text(picture.curve("a", "stopped", [1.0] * 7, 5, False, [], planned=100), t) \
        == "7 of 100 updates · stopped at update 7"
    assert picture.status_text(picture.curve("a", "completed", [1.0] * 20, 1, True, []), t) == "20 updates"


@pytest.fixture(scope="module")
def eight_runs():
    """Eight runs of different lengths, the fourth diverged, the last a full batch."""
    def run(i: int) -> picture.Curve:
        if i == 3:
            return picture.curve("run 4", "diverged", [*noisy(150, i), math.inf], 40, False, [])
        return picture.curve(f"run {i + 1}", "completed", noisy(200 * (i + 1), i), 10 * (i + 1), i == 7, [])
    return [run(i) for i in range(8)]


def test_the_picture_is_1200_by_630_and_the_same_bytes_every_time(eight_runs):
    first = picture.render("Gradient descent, visible", eight_runs, "en")
    assert first == picture.render("Gradient descent, visible", eight_runs, "en")
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert "Software" not in image.info  # no version or time stamp in the file


def test_every_run_is_drawn_in_its_page_colour(eight_runs):
    pixels = plot_pixels(picture.render("Gradient descent, visible", eight_runs, "en"))
    for color in picture.COLORS:
        assert count_color(pixels, color) > 40, color  # not drawn: 0


@pytest.mark.parametrize("lang", ["ja", "zh-CN"])
def test_cjk_text_is_drawn_with_a_cjk_font(lang):
    """With Debian's fonts-noto-cjk each character has its glyph; without it, every one would be
    the same empty box, and two titles of different characters would draw the same pixels."""
    assert picture.load_fonts(), "Debian's fonts-noto-cjk is missing (make test installs it)"
    runs = [picture.curve("フルバッチ", "completed", noisy(20), 1, True, [])]

    def title(text: str) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(picture.render(text, runs, lang))).convert("L"))[:80, :600]

    assert (title("見見見") != title("法法法")).sum() > 500


def test_the_cjk_font_is_used_where_any_word_drawn_needs_it():
    assert not picture.needs_cjk(["Gradient descent, visible", "Gradiente descendente, visível", "Ωμέγα", "ёж"])
    assert picture.needs_cjk(["SGD", "次更新"]) and picture.needs_cjk(["ミニバッチ"])
    # the words of the picture itself: an English title over Chinese update counts still needs it
    for lang, needed in (("en", False), ("pt-BR", False), ("ja", True), ("zh-CN", True)):
        assert picture.needs_cjk([i18n.strings(lang)[k] for k in picture.WORDS]) == needed


def test_a_label_is_plain_text_not_mathtext():
    runs = [picture.curve(name, "completed", noisy(20), 1, True, [])
            for name in ("$\\frac{1}{0}$", "a $b", "\\x $$ {")]
    assert Image.open(io.BytesIO(picture.render("$\\undefined{$", runs, "en"))).size == (1200, 630)


def test_a_run_without_a_finite_loss_is_named_not_drawn():
    runs = [picture.curve("failed", "failed", [], 1, False, []), picture.curve("nan", "diverged", [math.nan], 1, False, [])]
    assert Image.open(io.BytesIO(picture.render("x", runs, "en"))).size == (1200, 630)


def test_the_smoothed_line_is_the_pages_smoothed_loss_at_the_charts_bucket_ends():
    losses = noisy(20000)
    c = picture.curve("SGD", "completed", losses, 1000, False, [])
    assert c.x[0] == pytest.approx(31 / 1000)  # decimate.js: buckets of 32 updates; update 32 at 31 / 1000
    assert c.smooth == pytest.approx(chart_rules.smooth(losses, 0.99)[31::32])


def spiky(n: int, seed: int = 0) -> np.ndarray:
    """Losses under 1.5 but for one update at 6.5: SGD's noise, as the default comparison's."""
    losses = noisy(n, seed)
    losses[n // 50] = 6.5
    return losses


def test_the_loss_axis_shows_the_noise_of_every_run_that_did_not_diverge():
    runs = [picture.curve("full batch", "completed", [3.4, 2.0, 1.0], 1, True, []),
            picture.curve("SGD", "completed", spiky(3000), 1000, False, [])]
    least = min(spiky(3000))  # the faint losses count, not only the smoothed line (which ends near 1)
    assert picture.y_range(runs) == (pytest.approx(least - 0.05 * (6.5 - least)), pytest.approx(6.5 + 0.05 * (6.5 - least)))
    runs.append(picture.curve("SGD, lr=9", "diverged", [1.0, 50.0, math.inf], 1000, False, []))
    assert picture.y_range(runs) == (0.0, pytest.approx(1.5 * 6.5))  # ranges.js: the calm runs' largest loss


@pytest.mark.parametrize("box", ["wide", "medium", "narrow"])
def test_the_charts_picture_has_the_boxs_size_every_run_in_its_colour_and_the_same_bytes(eight_runs, box):
    first = picture_chart.render_chart(eight_runs, "en", box)
    assert first == picture_chart.render_chart(eight_runs, "en", box)
    image = Image.open(io.BytesIO(first))
    assert image.size == picture_chart.SIZES[box]
    pixels = np.asarray(image.convert("RGB"))
    for color in picture.COLORS:
        assert count_color(pixels, color) > 20, color


def test_the_charts_picture_draws_the_noise_whole_below_its_top():
    """The faint per-update losses' spike ends inside the plot, below its top edge by the axis'
    padding (the preview's old axis ended near the smoothed line: the spike ran off its top)."""
    runs = [picture.curve("full batch", "completed", [3.4, 2.0, 1.0], 1, True, []),
            picture.curve("SGD", "completed", spiky(3000), 1000, False, [])]
    pixels = np.asarray(Image.open(io.BytesIO(picture_chart.render_chart(runs, "en", "wide"))).convert("RGB")).astype(int)
    left = pixels[:300, 60:400]  # right of the loss axis' numbers, left of the end labels
    r, g, b = left[..., 0], left[..., 1], left[..., 2]
    rows = np.nonzero(((r > g + 8) & (g > b + 8)).any(axis=1))[0]  # the spike's faint orange
    plot_top = picture_chart.MARGIN["t"]
    assert plot_top + 8 < rows.min() < plot_top + 40, rows.min()


def test_the_charts_picture_names_its_series_as_the_live_charts_legend():
    runs = [picture.curve("full batch", "completed", [3.4, 2.0], 1, True, [], label="batch_size=full"),
            picture.curve("SGD", "completed", noisy(40), 20, False, [Eval(20, 1.0, 0.5, 0.6)], label="batch_size=1")]
    names = [name for name, _ in picture_chart.legend_entries(runs, i18n.strings("en"))]
    assert names == ["batch_size=full · loss", "batch_size=1 · smoothed", "mini-batch loss", "training loss",
                     "validation loss"]


def test_the_charts_end_labels_are_the_live_charts():
    t = i18n.strings("en")
    label = lambda *args, **kw: picture_chart.end_label(picture.curve(*args, **kw), t)  # noqa: E731
    assert label("SGD", "completed", noisy(30), 10, False, [], planned=30) == "SGD · 30 updates"
    assert label("SGD", "diverged", [1.0, math.nan], 1, False, [], planned=30) == "SGD · diverged at update 2"
    assert label("SGD", "stopped", [1.0] * 20, 10, False, [], planned=30) == "SGD · 20 of 30 updates · stopped at epoch 2"
    assert label("SGD", "failed", [1.0] * 7, 10, False, [], planned=30) == "SGD · 7 of 30 updates · failed"


def test_the_charts_ticks_are_plotlys():
    # the live chart of the default comparison: x every 5 epochs on ~1000 px, loss every 1 on ~330 px
    assert picture_chart.tick_step(22, 935, 80) == 5 and picture_chart.tick_step(7.1, 330, 40) == 1
    assert picture_chart.tick_step(22, 300, 80) == 5 and picture_chart.tick_step(7.1, 200, 40) == 2  # a phone


def test_the_previews_loss_axis_is_set_by_the_lines_not_by_one_spike_of_the_noise():
    runs = [picture.curve("full batch", "completed", [3.4, 2.0, 1.0], 1, True, []),
            picture.curve("SGD", "completed", spiky(3000), 1000, False, [])]
    low, top = picture.line_range(runs)
    assert top == pytest.approx(3.4 + 0.05 * (3.4 - low / 1), rel=0.05) and top < 4  # not the spike's 6.5
    log_low, log_top = picture.line_range(runs, logy=True)
    assert 0 < log_low < min(runs[1].smooth) and log_top > 3.4
    runs.append(picture.curve("SGD, lr=9", "diverged", [1.0, 50.0, math.inf], 1000, False, []))
    assert picture.line_range(runs) == (0.0, pytest.approx(1.5 * 3.4))  # the calm runs' lines, as ranges.js


def test_the_x_axis_ends_at_the_last_epoch_with_a_tick_there():
    sgd = picture.curve("SGD", "completed", noisy(20000), 1000, False, [], planned=20000)
    assert sgd.x[-1] < 20 and picture.last_epoch([sgd]) == 20  # the last update stands at 19.999
    assert picture.epoch_ticks(20) == [0, 5, 10, 15, 20] and picture.epoch_ticks(5) == [0, 1, 2, 3, 4, 5]
    assert picture.epoch_ticks(10) == [0, 2, 4, 6, 8, 10] and picture.epoch_ticks(300) == [0, 100, 200, 300]
    assert picture.epoch_ticks(30)[-1] == 30


def test_a_log_axis_labels_its_decades_in_plain_text():
    assert [picture.power_of_ten(v) for v in (1e-8, 0.1, 1, 10, 100)] == ["10⁻⁸", "10⁻¹", "1", "10", "10²"]
    runs = [picture.curve("a", "completed", np.geomspace(10, 1e-6, 200), 10, False, [], planned=200)]
    assert picture.render("t", runs, "en", logy=True) != picture.render("t", runs, "en")


def test_validation_losses_are_open_diamonds_not_a_dash_of_any_run():
    from matplotlib.figure import Figure

    evals = [Eval(k * 10, k, 0.5, 0.6) for k in range(1, 21)]
    runs = [picture.curve(f"run {i}", "completed", noisy(200, i), 10, False, evals, planned=200) for i in range(3)]
    ax = Figure().add_axes(picture.PLOT_BOX)
    picture.plot(ax, runs, i18n.strings("en"), False)
    marked = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(marked) == 3
    assert all(line.get_linestyle() == "None" and line.get_markerfacecolor() == "white" for line in marked)
    dashed = [line for line in ax.get_lines() if line.get_marker() in ("None", None, "")]
    assert len(dashed) == 3 and all(line.get_linestyle() != "None" for line in dashed)
    for lang in i18n.LANGUAGES:  # the key's words: no "dotted" left anywhere
        assert i18n.strings(lang)["val_loss"] and i18n.strings(lang)["share_band"]
    assert "share_dotted" not in i18n.strings("en")


@pytest.mark.parametrize("width, height", [(400, 210), (250, 131), (200, 105), (1200, 630)])
def test_a_thumbnail_is_drawn_at_its_own_size_with_every_run_in_its_colour(eight_runs, width, height):
    png = picture.render("Gradient descent, visible", eight_runs[:3], "en", width=width)
    image = Image.open(io.BytesIO(png))
    assert image.size == (width, height) and png == picture.render("Gradient descent, visible", eight_runs[:3], "en",
                                                                   width=width)
    pixels = np.asarray(image.convert("RGB"))
    for color in picture.COLORS[:3]:
        assert count_color(pixels, color) > width // 40, color
    question = picture.render_question("Batch size", "Which run makes the most updates?", ["a", "b"], "en", width)
    assert Image.open(io.BytesIO(question)).size == (width, height)
