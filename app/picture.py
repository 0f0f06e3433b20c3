"""The picture of a comparison for link previews: a 1200x630 PNG of its loss curves drawn with
matplotlib's Agg backend (no browser at run time), readable as a thumbnail: thick lines, large type,
the page's colours, each run named with its update count. Curves follow the page: x in epochs, each
run smoothed as the page smooths it, its noise a light band, its epoch ends' training losses dots, a
diverged run drawn up to its last finite loss and marked. Same runs, same bytes (fixed fonts, no time stamp)."""
from __future__ import annotations

import functools
import math
import threading
import warnings
from dataclasses import dataclass, replace
from glob import glob

import numpy as np

from app import chart_rules as rules
from app import i18n
from app.comparison import Comparison
from app.png import png
from app.services import RunRecord
from app.sharing import run_names, stopped_where

# static/js/chart.js: the Okabe-Ito colours and one dash per run; static/css/app.css: text colours
COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933")
DASHES = ("-", (0, (4, 1.5)), (0, (1, 1.2)), (0, (4, 1.5, 1, 1.5)), (0, (7, 2)), (0, (7, 2, 1, 2)),
          (0, (5, 3, 1, 3)), (0, (1, 3)))
FG, MUTED, GRID = "#1a1a1a", "#555555", "#d0d0d0"
SIZE = (1200, 630)
PLOT_BOX = (0.092, 0.125, 0.568, 0.72)  # the axes: left, bottom, width, height (figure fractions)
PANEL_LEFT = 0.69  # where the runs' names start (app/picture_panel.py)
LINE_POINTS = rules.MAX_BUCKETS  # points per curve at most: the live chart's buckets
BAND_POINTS = 120  # the noise band is coarser: its jagged edge is most of a PNG's bytes
MAX_BANDS = 3  # more noise bands than this blur into one another: then only the lines
MAX_DOTTED = 4  # epoch ends' training losses dotted (and keyed) up to 4 runs: more fill the panel
MAX_MARKS = 24  # validation diamonds per run at most: 300 epochs' would merge into one thick line
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
VERSION = "7"  # bump when the drawing changes: it is part of the ETag
# Debian's fonts-noto-cjk (make test installs it): Japanese and Chinese labels; DejaVu (shipped
# with matplotlib) draws the rest and is the graceful fallback where Noto is missing
CJK_FONTS = "/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc"
CJK_FAMILY = {"zh-CN": "Noto Sans CJK SC"}
WORDS = ("x_epochs", "loss_axis", "share_updates", "updates_of", "stopped_at_epoch", "stopped_at_update", "status_diverged",
         "status_failed", "share_band", "train_loss", "val_loss")
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
          label: str = "", logy: bool = False, smoothing: float | None = None) -> Curve:
    """One run's curve as the live chart draws it: its losses smoothed per update with the page's
    weight (``smoothing``, else its default; chart_rules.smooth; on a log axis, in log space), taken
    at each bucket's end; its noise as bucket extremes."""
    loss = np.asarray(losses, dtype=float)
    finite = np.isfinite(loss)
    loss = loss[:len(loss) if finite.all() else int(np.argmin(finite))]  # up to the last finite loss
    x, _, low, high, size = buckets(loss, per_epoch, LINE_POINTS, rules.bucket_size(len(loss)))
    ends = np.minimum(np.arange(len(x)) * size + size, len(loss)) - 1
    smooth = rules.smooth(loss, rules.smoothing_weight(per_epoch, full_batch, smoothing), logy)[ends] if len(loss) else np.empty(0)
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


def curves(comparison: Comparison, records: list[RunRecord], lang: str, logy: bool = False,
           smoothing: float | None = None) -> list[Curve]:
    return [curve(name, rec.status, rec.loss, plan["iterations_per_epoch"], plan["variant"] == "full-batch", rec.evals,
                  plan["total_updates"], plan["label"], logy, smoothing)
            for name, rec, plan in zip(run_names(comparison, lang), records, comparison.plan["runs"])]


def status_text(c: Curve, t: dict[str, str]) -> str:
    if c.status == "diverged":
        return t["status_diverged"].format(k=c.updates)
    if c.status == "stopped" and c.updates < c.planned:  # the page's words: "255 of 1500 updates · stopped at epoch 51"
        return f"{t['updates_of'].format(k=c.updates, n=c.planned)} · {stopped_where(c.updates, c.per_epoch, t)}"
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


def render(title: str, curves: list[Curve], lang: str, logy: bool = False, width: int = SIZE[0]) -> bytes:
    """The PNG (1200x630, or ``width`` wide in the same shape) of the curves, titled."""
    strings = i18n.strings(lang)
    texts = [title, *(strings[k] for k in WORDS), *(c.name for c in curves)]
    return styled(texts, lang, lambda: draw(title, curves, strings, logy, width))


def render_question(title: str, question: str, runs: list[str], lang: str, width: int = SIZE[0]) -> bytes:
    """The PNG of a lesson's question before it is answered (``predict=true``): the title, the
    question and the runs' names, no curve and no count that would answer it."""
    from app.picture_panel import ask  # all text: drawn by the panel's module

    return styled([title, question, *runs], lang, lambda: ask(title, question, runs, width))


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


def figure(width: int):
    """A white figure of the picture's layout, ``width`` pixels wide: drawn at a lower dpi (fonts
    and lines in points scale with it), not a bitmap scaled down afterwards."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = 100 * width / SIZE[0]
    height = round(width * SIZE[1] / SIZE[0])
    # + 0.25 px: the canvas truncates inches times dpi to whole pixels
    fig = Figure(figsize=((width + 0.25) / dpi, (height + 0.25) / dpi), dpi=dpi, facecolor="white")
    return fig, FigureCanvasAgg(fig)


def draw(title: str, curves: list[Curve], t: dict[str, str], logy: bool, width: int) -> bytes:
    from app import picture_panel as panel  # it draws in this module's colours: imported once both exist

    fig, canvas = figure(width)
    text, size = panel.fit(canvas.get_renderer(), title, 0.93, (30, 26, 22))
    fig.text(0.035, 0.955, text, fontsize=size, fontweight="bold", va="top")
    ax = fig.add_axes(PLOT_BOX)
    if len(curves) > MAX_DOTTED:  # decided once: plot, its range and the key follow each curve's train
        curves = [replace(c, train=None) for c in curves]
    banded = plot(ax, curves, t, logy)
    drawn = {"band": banded, "train": any(c.train is not None for c in curves), "val": any(c.val is not None for c in curves)}
    panel.names(fig, curves, t, [key for key, shown in drawn.items() if shown])
    # only the colours drawn: an absent one would take the palette entry of the grey text's edges
    return png(canvas, ("#ffffff", *COLORS[:len(curves)], FG, MUTED))


def plot(ax, curves: list[Curve], t: dict[str, str], logy: bool) -> bool:
    """The curves; True when noise bands are drawn."""
    bands = sum(c.band is not None for c in curves) <= MAX_BANDS
    low, top = line_range(curves, logy)
    drawn = False
    for i, c in enumerate(curves):
        color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
        if bands and c.band is not None and len(c.band[0]) > 1:  # may run past the axis: the lines set it
            ax.fill_between(c.band[0], np.maximum(c.band[1], low), c.band[2], color=color, alpha=0.14, linewidth=0)
            drawn = True
        ax.plot(c.x, c.smooth, color=color, linestyle=dash, linewidth=5, solid_capstyle="round")
        if c.train is not None:  # the epoch ends' training loss, as the page's dots: the table's final loss
            ax.plot(*c.train, linestyle="none", marker="o", markersize=9, color=color,
                    markevery=max(1, math.ceil(len(c.train[0]) / MAX_MARKS)))
        if c.val is not None:  # open diamonds, as the page: no dash of a run's line
            ax.plot(*c.val, linestyle="none", marker="D", markersize=11, markerfacecolor="white", markeredgecolor=color,
                    markeredgewidth=2.5, markevery=max(1, math.ceil(len(c.val[0]) / MAX_MARKS)))
        if c.end is not None:  # at the axis' top if it climbed past it, as the page marks it
            ax.plot(c.end[0], min(c.end[1], top), marker="x", markersize=18, markeredgewidth=5, color=color,
                    clip_on=False)
    axes(ax, curves, t, (low, top), logy)
    return drawn


def axes(ax, curves: list[Curve], t: dict[str, str], span: tuple[float, float], logy: bool) -> None:
    """Few ticks, large: x from 0 to the last epoch (a tick there), the loss linear or log."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator

    if logy:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(numticks=5))
        ax.yaxis.set_minor_locator(FixedLocator([]))
        ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylim(*span)
    right = last_epoch(curves)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_locator(FixedLocator(epoch_ticks(right)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel(t["x_epochs"], fontsize=21, labelpad=2)
    ax.set_ylabel(t["loss_axis"], fontsize=21)
    ax.yaxis.set_label_coords((0.04 - PLOT_BOX[0]) / PLOT_BOX[2], 0.5)  # at the edge: clear of wide log ticks
    ax.tick_params(labelsize=21, width=1.5, length=6)
    ax.grid(True, color=GRID, linewidth=1)
    ax.spines[["top", "right"]].set_visible(False)


def power_of_ten(value: float, _=None) -> str:
    """10⁻⁸ in plain text (no mathtext: a label is never parsed as TeX)."""
    exponent = round(math.log10(value)) if value > 0 else 0
    return "1" if exponent == 0 else "10" if exponent == 1 else "10" + str(exponent).translate(SUPERSCRIPT)


def last_epoch(curves: list[Curve]) -> float:
    """The plan's last epoch (the axis ends where the comparison does), else the last point."""
    ends = [c.planned / c.per_epoch for c in curves if c.planned] or [float(c.x[-1]) for c in curves if len(c.x)]
    return max(ends + [1e-9])


def epoch_ticks(right: float) -> list[float]:
    """2 to 5 steps of 1, 2, 2.5 or 5 times a power of ten that end on ``right`` when one does,
    whole epochs if it is one (20: 0 5 10 15 20; 10: 0 2 4 6 8 10), else about four steps below it."""
    power = 10 ** math.floor(math.log10(right)) if right > 0 else 1
    steps = [m * p for p in (power / 10, power) for m in (1, 2, 2.5, 5, 10)]
    whole = float(right).is_integer()
    ending = [s for s in steps if 2 <= right / s <= 5 and abs(right / s - round(right / s)) < 1e-9
              and (not whole or float(s).is_integer())]
    step = min(ending or steps, key=lambda s: abs(right / s - 4))
    return [i * step for i in range(int(right / step + 1e-9) + 1)]


def line_range(curves: list[Curve], logy: bool = False) -> tuple[float, float]:
    """The loss axis bounded by the lines drawn (smoothed, training and validation losses), not by the noise
    band (keyed beside the plot): at thumbnail size the curves, not one spike, fill the plot. With
    a diverged run, the page's rule (chart_rules.loss_range) on the calm runs' lines: 0 (log: their
    least loss over 10^0.2) to 1.5 times their top. Else the lines' span padded 5% (log: in decades)."""
    def values(c: Curve) -> np.ndarray:
        v = np.concatenate([c.smooth, *(d[1] for d in (c.val, c.train) if d is not None)])
        v = v[np.isfinite(v)]
        return v[v > 0] if logy else v
    spans = [(c.status == "diverged", values(c)) for c in curves]
    every = [v for _, v in spans if len(v)]
    calm = [v for diverged, v in spans if not diverged and len(v)]
    if not every:
        return (0.1, 10.0) if logy else (0.0, 1.0)
    diverged = bool(calm) and len(calm) < len(every)
    pool = np.concatenate(calm if diverged else every)
    low, high = float(pool.min()), float(pool.max())
    if logy:
        low, high = math.log10(low), math.log10(high)
    if diverged:
        return (10 ** (low - 0.2), 10 ** high * rules.HEADROOM) if logy else (0.0, high * rules.HEADROOM)
    pad = rules.AUTORANGE_PAD * (high - low) if high > low else max(abs(high), 1.0) * rules.AUTORANGE_PAD
    return (10 ** (low - pad), 10 ** (high + pad)) if logy else (low - pad, high + pad)


def y_range(curves: list[Curve]) -> tuple[float, float]:
    """The loss axis as the live chart's (chart_rules.loss_range), for the chart's picture
    (app/picture_chart.py): every value drawn counts, the faint per-update losses too, except
    those of a run that diverged."""
    def drawn(c: Curve) -> list[float]:
        parts = [c.smooth, *(c.raw[1:] if c.raw else ()), *(c.val[1:] if c.val else ()), *(c.train[1:] if c.train else ())]
        return [float(v) for part in parts if len(part) for v in (np.min(part), np.max(part))] or [math.nan]
    return rules.loss_range([(c.status == "diverged", float(np.max(c.raw[2])) if c.raw and len(c.raw[2]) else math.nan,
                              max(drawn(c)), min(drawn(c))) for c in curves])
