"""The picture of a comparison for link previews: a 1200x630 PNG of its loss curves, drawn with
matplotlib's Agg backend (no browser at run time), readable as a thumbnail: thick lines, large
type, the page's colours, each run named with its update count.

Curves follow the page's defaults: x in epochs (update u's loss at (u - 1) / iterations per epoch),
each run smoothed over about one epoch of updates (never a full batch), its noise as a light band,
a diverged run drawn up to its last finite loss and marked. The same runs give the same bytes:
fixed fonts, sizes and layout, and no time stamp or software version in the file."""
from __future__ import annotations

import functools
import math
import textwrap
import threading
import warnings
from dataclasses import dataclass
from glob import glob

import numpy as np

from app import chart_rules as rules
from app import i18n
from app.comparison import Comparison
from app.png import png
from app.services import RunRecord
from app.sharing import run_names

# static/js/chart.js: the Okabe-Ito colours and one dash per run; static/css/app.css: text colours
COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933")
DASHES = ("-", (0, (4, 1.5)), (0, (1, 1.2)), (0, (4, 1.5, 1, 1.5)), (0, (7, 2)), (0, (7, 2, 1, 2)),
          (0, (5, 3, 1, 3)), (0, (1, 3)))
FG, MUTED, GRID = "#1a1a1a", "#555555", "#d0d0d0"
SIZE = (1200, 630)
PLOT_BOX = (0.085, 0.15, 0.55, 0.68)  # the axes: left, bottom, width, height (figure fractions)
PANEL_LEFT = 0.675  # where the runs' names start
LINE_POINTS = rules.MAX_BUCKETS  # points per curve at most: the live chart's buckets
BAND_POINTS = 120  # the noise band is coarser: its jagged edge is most of a PNG's bytes
MAX_BANDS = 3  # more noise bands than this blur into one another: then only the lines
VERSION = "3"  # bump when the drawing changes: it is part of the ETag
# Debian's fonts-noto-cjk (make test installs it): Japanese and Chinese labels; DejaVu (shipped
# with matplotlib) draws the rest and is the graceful fallback where Noto is missing
CJK_FONTS = "/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc"
CJK_FAMILY = {"zh-CN": "Noto Sans CJK SC"}
WORDS = ("x_epochs", "loss_axis", "share_updates", "updates_of", "stopped_at_epoch", "stopped_at_update", "status_diverged",
         "status_failed", "share_dotted")
_lock = threading.Lock()  # matplotlib's text and font caches are not thread-safe


@dataclass
class Curve:
    name: str
    status: str
    updates: int
    x: np.ndarray  # epochs
    smooth: np.ndarray
    band: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # the noise: (epochs, low, high); None for a full batch
    val: tuple[np.ndarray, np.ndarray] | None  # (epochs, validation loss)
    end: tuple[float, float] | None  # a diverged run's last finite point
    planned: int = 0  # the plan's total updates
    per_epoch: int = 1  # iterations per epoch
    raw: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (epochs, min, max) of LINE_POINTS buckets
    train: tuple[np.ndarray, np.ndarray] | None = None  # (epochs, training loss) of the evaluations
    label: str = ""  # the plan's label (the live chart's legend)
    full: bool = False  # a full batch: its losses are its one curve


def buckets(loss: np.ndarray, per_epoch: int, count: int, size: int = 0) -> tuple[np.ndarray, ...]:
    """(epochs, mean, min, max, bucket size) of ``count`` buckets (or of ``size`` updates each)."""
    n = len(loss)
    size = size or max(1, math.ceil(n / count))
    starts = np.arange(0, n, size)
    x = (np.minimum(starts + size, n) - 1) / per_epoch  # update u stands at (u - 1) / ipe
    if not n:
        return x, np.empty(0), np.empty(0), np.empty(0), size
    mean = np.add.reduceat(loss, starts) / np.diff(np.append(starts, n))
    return x, mean, np.minimum.reduceat(loss, starts), np.maximum.reduceat(loss, starts), size


def curve(name: str, status: str, losses, per_epoch: int, full_batch: bool, evals, planned: int = 0,
          label: str = "") -> Curve:
    """One run's curve as the live chart draws it: its losses smoothed per update with the page's
    default weight (chart_rules.smooth), taken at each bucket's end; its noise as bucket extremes."""
    loss = np.asarray(losses, dtype=float)
    finite = np.isfinite(loss)
    loss = loss[:len(loss) if finite.all() else int(np.argmin(finite))]  # up to the last finite loss
    x, _, low, high, size = buckets(loss, per_epoch, LINE_POINTS, rules.bucket_size(len(loss)))
    ends = np.minimum(np.arange(len(x)) * size + size, len(loss)) - 1
    smooth = rules.smooth(loss, rules.smoothing_weight(per_epoch, full_batch))[ends] if len(loss) else np.empty(0)
    band = None if full_batch else tuple(buckets(loss, per_epoch, BAND_POINTS)[i] for i in (0, 2, 3))
    evals = [e for e in evals if e.update % per_epoch == 0]  # the epoch ends, as the page draws them
    vals = [(e.epoch, e.val_loss) for e in evals if e.val_loss is not None and math.isfinite(e.val_loss)]
    trains = [(e.update / per_epoch, e.train_loss) for e in evals if e.train_loss is not None and math.isfinite(e.train_loss)]
    end = (x[-1], float(loss[-1])) if status == "diverged" and len(loss) else None
    if full_batch and end is None and evals and evals[-1].update == len(loss) > 0:
        # as the page: the evaluation after the last update ends a full batch's one curve
        x, smooth = np.append(x, evals[-1].update / per_epoch), np.append(smooth, evals[-1].train_loss)
    pairs = lambda items: tuple(np.array(v) for v in zip(*items)) if items else None  # noqa: E731
    return Curve(name, status, len(finite), x, smooth, band, pairs(vals), end, planned, per_epoch,
                 (x[:len(low)], low, high), pairs(trains), label or name, full_batch)


def curves(comparison: Comparison, records: list[RunRecord], lang: str) -> list[Curve]:
    return [curve(name, rec.status, rec.loss, plan["iterations_per_epoch"], plan["variant"] == "full-batch", rec.evals,
                  plan["total_updates"], plan["label"]) for name, rec, plan in zip(run_names(comparison, lang), records, comparison.plan["runs"])]


def status_text(c: Curve, t: dict[str, str]) -> str:
    if c.status == "diverged":
        return t["status_diverged"].format(k=c.updates)
    if c.status == "stopped" and c.updates < c.planned:  # the page's words: "255 of 1500 updates · stopped at epoch 51"
        epoch = c.updates / c.per_epoch
        where = t["stopped_at_epoch"].format(e=int(epoch)) if epoch.is_integer() else t["stopped_at_update"].format(k=c.updates)
        return f"{t['updates_of'].format(k=c.updates, n=c.planned)} · {where}"
    if c.status == "failed":
        return t["status_failed"]
    return t["share_updates"].format(n=c.updates)


@functools.cache
def load_fonts() -> str | None:
    """Register the CJK fonts with matplotlib (once); the family to fall back to, if any."""
    from matplotlib import font_manager

    for path in sorted(glob(CJK_FONTS)):
        font_manager.fontManager.addfont(path)
    return "Noto Sans CJK JP" if any("CJK" in f.name for f in font_manager.fontManager.ttflist) else None


def needs_cjk(texts: list[str]) -> bool:
    """Text from the CJK blocks on: DejaVu alone is faster (each string is laid out in every
    fallback font), and draws every other script the page's languages and labels use."""
    return any(ord(ch) >= 0x2E80 for text in texts for ch in text)


def render(title: str, curves: list[Curve], lang: str) -> bytes:
    """The PNG (1200x630) of the curves, titled."""
    strings = i18n.strings(lang)
    texts = [title, *(strings[k] for k in WORDS), *(c.name for c in curves)]
    return styled(texts, lang, lambda: draw(title, curves, strings))


def render_question(title: str, question: str, runs: list[str], lang: str) -> bytes:
    """The PNG (1200x630) of a lesson's question before it is answered (``predict=true``): the
    title, the question and the runs' names, no curve and no count that would answer it."""
    return styled([title, question, *runs], lang, lambda: ask(title, question, runs))


def styled(texts: list[str], lang: str, drawing) -> bytes:
    """``drawing()`` in the picture's fonts and colours (CJK fonts only where a text needs them)."""
    import matplotlib  # here, not at import: the app starts without it (~0.5 s), the first picture pays

    with _lock:
        cjk = load_fonts() if needs_cjk(texts) else None
        family = ["DejaVu Sans"] + ([CJK_FAMILY.get(lang, cjk)] if cjk else [])
        # a label is plain text: "$x$" is not mathtext
        style = {"font.family": family, "text.parse_math": False, "text.color": FG, "axes.labelcolor": FG,
                 "xtick.color": MUTED, "ytick.color": MUTED, "axes.edgecolor": MUTED}
        with matplotlib.rc_context(style), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a glyph no font has is drawn as a box, not an error
            return drawing()


def ask(title: str, question: str, runs: list[str]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    text, size = fit(renderer, title, 0.93, (30, 26, 22))
    fig.text(0.035, 0.955, text, fontsize=size, fontweight="bold", va="top")
    wide = needs_cjk([question])  # no spaces to break at: cut by characters
    lines = [question[i:i + 30] for i in range(0, len(question), 30)] if wide else textwrap.wrap(question, 60)
    for i, line in enumerate(lines[:3]):
        text, size = fit(renderer, line, 0.93, (28, 24), bold=False)
        fig.text(0.035, 0.8 - i * 0.085, text, fontsize=size, va="top")
    step = min(0.09, 0.42 / max(len(runs), 1))
    for i, name in enumerate(runs):
        y = 0.47 - i * step
        color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
        fig.add_artist(Line2D([0.04, 0.09], [y, y], color=color, linestyle=dash, linewidth=6, transform=fig.transFigure))
        text, size = fit(renderer, name, 0.8, (22, 19, 17))
        fig.text(0.105, y, text, fontsize=size, fontweight="bold", va="center")
    return png(canvas, ("#ffffff", *COLORS))


def draw(title: str, curves: list[Curve], t: dict[str, str]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    text, size = fit(canvas.get_renderer(), title, 0.93, (30, 26, 22))
    fig.text(0.035, 0.955, text, fontsize=size, fontweight="bold", va="top")
    ax = fig.add_axes(PLOT_BOX)
    plot(ax, curves, t)
    names(fig, curves, t)
    return png(canvas, ("#ffffff", *COLORS))


def plot(ax, curves: list[Curve], t: dict[str, str]) -> None:
    bands = sum(c.band is not None for c in curves) <= MAX_BANDS
    low, top = y_range(curves)
    for i, c in enumerate(curves):
        color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
        if bands and c.band is not None and len(c.band[0]) > 1:
            ax.fill_between(*c.band, color=color, alpha=0.14, linewidth=0)
        ax.plot(c.x, c.smooth, color=color, linestyle=dash, linewidth=5, solid_capstyle="round")
        if c.val is not None:
            ax.plot(*c.val, color=color, linestyle=(0, (1, 1.5)), linewidth=3)
        if c.end is not None:  # at the axis' top if it climbed past it, as the page marks it
            ax.plot(c.end[0], min(c.end[1], top), marker="x", markersize=22, markeredgewidth=5, color=color,
                    clip_on=False)
    ax.set_ylim(low, top)
    ax.set_xlim(0, max([c.x[-1] for c in curves if len(c.x)] + [1e-9]))
    ax.set_xlabel(t["x_epochs"], fontsize=21)
    ax.set_ylabel(t["loss_axis"], fontsize=21)
    ax.tick_params(labelsize=18, width=1.5, length=6)
    ax.grid(True, color=GRID, linewidth=1)
    ax.spines[["top", "right"]].set_visible(False)


def y_range(curves: list[Curve]) -> tuple[float, float]:
    """The loss axis as the live chart's (chart_rules.loss_range): every value drawn counts, the
    faint per-update losses too, except those of a run that diverged."""
    def drawn(c: Curve) -> list[float]:
        parts = [c.smooth, *(c.raw[1:] if c.raw else ()), *(c.val[1:] if c.val else ()), *(c.train[1:] if c.train else ())]
        return [float(v) for part in parts if len(part) for v in (np.min(part), np.max(part))] or [math.nan]
    return rules.loss_range([(c.status == "diverged", float(np.max(c.raw[2])) if c.raw and len(c.raw[2]) else math.nan,
                              max(drawn(c)), min(drawn(c))) for c in curves])


def names(fig, curves: list[Curve], t: dict[str, str]) -> None:
    """Each run's colour and dash, its name and its update count (or how it ended), top down;
    names that all set one key (``learning_rate=0.02``) show the key once above its values."""
    from matplotlib.lines import Line2D

    renderer = fig.canvas.get_renderer()
    key, shown = common_key([c.name for c in curves])
    top = 0.83
    if key:
        text, size = fit(renderer, key, 1 - PANEL_LEFT - 0.02, (20, 16))
        fig.text(PANEL_LEFT, top + 0.01, text, fontsize=size, color=MUTED, va="center")
        top -= 0.08
    step = min(0.17, (top - 0.1) / len(curves))
    sizes = (22, 19, 17) if len(curves) <= 4 else (17, 15)
    for i, (c, name) in enumerate(zip(curves, shown)):
        y = top - i * step
        color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
        fig.add_artist(Line2D([PANEL_LEFT, PANEL_LEFT + 0.04], [y - 0.012, y - 0.012], color=color,
                              linestyle=dash, linewidth=6, transform=fig.transFigure))
        text, size = fit(renderer, name, 0.98 - PANEL_LEFT - 0.055, sizes)
        fig.text(PANEL_LEFT + 0.055, y, text, fontsize=size, fontweight="bold", va="center")
        text, size = fit(renderer, status_text(c, t), 0.98 - PANEL_LEFT - 0.055, tuple(s - 3 for s in sizes), bold=False)
        fig.text(PANEL_LEFT + 0.055, y - step * 0.42, text, fontsize=size, color=MUTED, va="center")
    if any(c.val is not None for c in curves):
        fig.text(PANEL_LEFT, 0.05, fit(renderer, t["share_dotted"], 0.96 - PANEL_LEFT, (16,), bold=False)[0],
                 fontsize=16, color=MUTED)


def common_key(names: list[str]) -> tuple[str, list[str]]:
    """("learning_rate", ["0.0002", "0.02"]) when every name is ``learning_rate=<value>``, else ("", names)."""
    keys = {name.partition("=")[0] for name in names}
    if len(keys) == 1 and all("=" in name and ", " not in name for name in names):
        return keys.pop(), [name.partition("=")[2] for name in names]
    return "", names


def fit(renderer, text: str, width: float, sizes: tuple[float, ...], bold: bool = True) -> tuple[str, float]:
    """``text`` at the first of ``sizes`` (points) that fits ``width`` (a figure fraction), else at
    the last, cut with an ellipsis (measured by the Agg renderer: no drawing)."""
    from matplotlib.font_manager import FontProperties

    def fits(candidate: str, size: float) -> bool:
        prop = FontProperties(weight="bold" if bold else "normal", size=size)
        return renderer.get_text_width_height_descent(candidate, prop, ismath=False)[0] <= width * SIZE[0]

    for size in sizes:
        if fits(text, size):
            return text, size
    low, high = 0, len(text)  # the longest cut that fits: binary search
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(text[:middle].rstrip() + "…", sizes[-1]) else (low, middle - 1)
    return text[:low].rstrip() + "…", sizes[-1]
