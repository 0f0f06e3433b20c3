"""The picture that stands in the page's loss chart box until the live chart is drawn
(``/api/picture?...&chart=wide|medium|narrow``): drawn as static/js/figure.js draws that chart, so
nothing changes when the student reaches for it. The same title ("All runs"), the same series (each
run's per-update losses faint with its smoothed loss bold, a full batch's exact loss as its one
curve, the evaluations marked), the same loss axis (app/chart_rules.py), the same end labels
("SGD · 20000 updates") and, on a wide or medium box, the same legend at the foot; a narrow box (a phone)
has no legend, as the chart. Sizes in pixels are the chart's (Plotly's font sizes, line widths)."""
from __future__ import annotations

import math

import numpy as np

from app import i18n
from app.picture import COLORS, DASHES, WORDS as STATUS_WORDS, Curve, status_text, styled, y_range
from app.png import png

# static/css/app.css .chart.big; a window or an embed 541-760 px wide (a course page's column, its
# chart box short and wide: the wide picture shrank its words to ~6 px there); a phone
SIZES = {"wide": (1000, 440), "medium": (640, 280), "narrow": (390, 300)}
MARGIN = {"l": 55, "r": 10, "t": 36, "b": 30}  # static/js/theme.js MARGIN (pixels)
PT = 0.72  # points per pixel at 100 dpi: Plotly's sizes are pixels
TEXT, KEY, GRID, ZERO = "#1a1a1a", "#555555", "#eeeeee", "#444444"
LEGEND_ROW = 19  # a legend row's height (pixels)
CHAR_PX, HANDLE_PX = 6.5, 50  # a legend entry's width: its characters at 12 px, its line and gaps
WORDS = ("all_runs", "x_epochs", "loss_axis", "smoothed", "minibatch_loss", "train_loss", "val_loss")


def render_chart(curves: list[Curve], lang: str, box: str) -> bytes:
    """The PNG of the page's loss chart in a ``box`` of SIZES."""
    strings = i18n.strings(lang)
    texts = [*(strings[k] for k in WORDS + STATUS_WORDS), *(c.name for c in curves), *(c.label for c in curves)]
    return styled(texts, lang, lambda: draw_chart(curves, strings, box))


def legend_entries(curves: list[Curve], t: dict[str, str]) -> list[tuple[str, dict]]:
    """figure.js runTraces' legend names and styleKey's grey key to the series."""
    out = []
    for i, c in enumerate(curves):
        style = {"color": COLORS[i % len(COLORS)], "linestyle": DASHES[i % len(DASHES)], "linewidth": 2.5 * PT}
        out.append((f"{c.label} · {t['loss_axis'] if c.full else t['smoothed']}", style))
    if any(not c.full for c in curves):
        out.append((t["minibatch_loss"], {"color": KEY, "linewidth": PT, "alpha": 0.5}))  # opacity 0.5 in grey
    out.append((t["train_loss"], {"color": KEY, "linewidth": 1.5 * PT, "linestyle": DASHES[1], "marker": "o",
                                  "markersize": 5 * PT}))
    if any(c.val is not None for c in curves):
        out.append((t["val_loss"], {"color": KEY, "linewidth": 1.5 * PT, "linestyle": DASHES[2], "marker": "D",
                                    "markersize": 6 * PT, "markerfacecolor": "none"}))
    return out


def legend_grid(names: list[str], width: int) -> tuple[int, int]:
    """(columns, rows) of the legend: as many columns as the widest entries fit, as Plotly flows it."""
    widest = max([HANDLE_PX + CHAR_PX * len(name) for name in names], default=1)
    columns = max(1, min(len(names), int((width - 20) // widest)))
    if sum(HANDLE_PX + CHAR_PX * len(name) for name in names) <= width - 20:
        columns = len(names)  # one row, each entry its own width
    return columns, math.ceil(len(names) / columns) if names else 0


def draw_chart(curves: list[Curve], t: dict[str, str], box: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    width, height = SIZES[box]
    fig = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    entries = legend_entries(curves, t) if box != "narrow" else []
    columns, rows = legend_grid([name for name, _ in entries], width)
    bottom = MARGIN["b"] + 22 + LEGEND_ROW * rows  # the x title, then the legend at the foot
    ax = fig.add_axes((MARGIN["l"] / width, bottom / height, 1 - (MARGIN["l"] + MARGIN["r"]) / width,
                       1 - (bottom + MARGIN["t"]) / height))
    fig.text(0.5, 1 - 20 / height, t["all_runs"], fontsize=14 * PT, ha="center", va="center")
    low, top = y_range(curves)
    for i, c in enumerate(curves):
        series(ax, c, i, top)
    frame(ax, curves, t, (low, top))
    end_labels(ax, curves, t, box == "narrow", (low, top), height - bottom - MARGIN["t"])
    if entries:
        fig.legend([Line2D([], [], **style) for _, style in entries], [name for name, _ in entries], loc="lower center",
                   bbox_to_anchor=(0.5, 0), ncol=columns, frameon=False, fontsize=12 * PT, handlelength=2.5,
                   columnspacing=1.2, borderaxespad=0.2)
    return png(canvas, ("#ffffff", *COLORS, KEY, TEXT))  # the greys exact too: a leader is never a run's colour


def series(ax, c: Curve, i: int, top: float) -> None:
    """figure.js runTraces: the losses (faint, or a full batch's line), the smoothed loss, the
    training evaluations (dots), the validation evaluations (open diamonds), a diverged run's x."""
    color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
    if c.full:
        ax.plot(c.x, c.smooth, color=color, linestyle=dash, linewidth=2.5 * PT)
    elif c.raw is not None and len(c.raw[0]):
        x, lo, hi = c.raw  # each bucket's min and max: the noise envelope the chart draws
        ax.plot(np.repeat(x, 2), np.column_stack([lo, hi]).ravel(), color=color, linewidth=PT, alpha=0.3)
        ax.plot(c.x, c.smooth, color=color, linestyle=dash, linewidth=2.5 * PT)
    if c.train is not None:
        ax.plot(*c.train, color=color, linestyle=dash, linewidth=1.5 * PT, marker="o", markersize=5 * PT)
    if c.val is not None:
        ax.plot(*c.val, color=color, linestyle=DASHES[2], linewidth=1.5 * PT, marker="D", markersize=6 * PT,
                markerfacecolor="none")
    if c.end is not None:
        ax.plot(c.end[0], min(c.end[1], top), marker="x", markersize=14 * PT, markeredgewidth=3 * PT, color=color,
                clip_on=False)


def frame(ax, curves: list[Curve], t: dict[str, str], span: tuple[float, float]) -> None:
    """Plotly's axes: x padded as its autorange pads lines, the zero line, a light grid, no box."""
    right = max([float(c.x[-1]) for c in curves if len(c.x)] + [1e-9])
    from matplotlib.ticker import MultipleLocator

    ax.set_xlim(-0.05 * right, 1.05 * right)
    ax.set_ylim(*span)
    ax.xaxis.set_major_locator(MultipleLocator(tick_step(1.1 * right, ax.bbox.width, 80)))
    ax.yaxis.set_major_locator(MultipleLocator(tick_step(span[1] - span[0], ax.bbox.height, 40)))
    ax.set_xlabel(t["x_epochs"], fontsize=14 * PT, labelpad=4)
    ax.set_ylabel(t["loss_axis"], fontsize=14 * PT)
    ax.tick_params(labelsize=12 * PT, colors=TEXT, length=0)
    ax.grid(True, color=GRID, linewidth=PT)
    ax.set_axisbelow(True)
    ax.axhline(0, color=ZERO, linewidth=PT, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)


def tick_step(span: float, length_px: float, min_px: float) -> float:
    """Plotly's automatic ticks: about one per ``min_px`` pixels (4 to 9 of them, plus one), the
    step rounded up to 1, 2 or 5 times a power of ten."""
    count = min(max(length_px / min_px, 4), 9) + 1
    rough = span / count if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough * (1 - 1e-9))


def end_label(c: Curve, t: dict[str, str]) -> str:
    """format.js endLabel: "SGD · 20000 updates", "SGD · diverged at update 12", and for a run
    ended early the updates it made of its plan, then why ("· stopped at epoch 51", "· failed").
    tests/cases/end_labels.json holds both to the same words."""
    if c.status == "failed":  # "failed" only where it cost updates, as endLabel
        if c.updates < c.planned:
            return f"{c.name} · {t['updates_of'].format(k=c.updates, n=c.planned)} · {t['status_failed']}"
        return f"{c.name} · {t['share_updates'].format(n=c.updates)}"
    return f"{c.name} · {status_text(c, t)}"


def end_labels(ax, curves: list[Curve], t: dict[str, str], narrow: bool, span: tuple[float, float], plot_px: float):
    """figure.js endMarks: each run's end label in a slot of its own in the upper part of the plot
    (top curve first), joined to its line's end by a dotted grey leader, opening towards the middle."""
    low, high = span
    ends = sorted(((c, float(c.x[-1]), min(float(c.end[1] if c.end else c.smooth[-1]), high), i)
                   for i, c in enumerate(curves) if len(c.x)), key=lambda e: -e[2])
    if not ends:
        return
    # figure.js highest(): each run's largest loss and evaluation (a rising validation loss too)
    drawn = [float(np.max(c.raw[2])) for c, *_ in ends if c.raw is not None and len(c.raw[2])]
    drawn += [float(np.max(v[1])) for c, *_ in ends for v in (c.train, c.val) if v is not None and len(v[1])]
    top = min(high, max(drawn + [e[2] for e in ends]))
    step, per_px = top / (len(ends) + 2), (high - low) / plot_px
    size = 10 if narrow else 11
    middle = max(e[1] for e in ends) / 2
    below = top
    for rank, (c, x, y, i) in enumerate(ends):
        text = end_label(c, t)
        if narrow and c.updates < c.planned:
            text = " · ".join(text.split(" · ")[:-1]) + "\n" + text.split(" · ")[-1]
        half = (text.count("\n") + 1) * size * 1.3 / 2 * per_px + 3 * per_px
        at = min(top - step * (rank + 0.5), below - half)
        below = at - half
        ax.plot([x, x], [y, at], color=KEY, linewidth=PT, linestyle=(0, (1, 2)))
        side = "right" if x > middle else "left"
        ax.text(x, at, text, fontsize=size * PT, ha=side, va="center", color=TEXT, multialignment=side,
                bbox={"boxstyle": "square,pad=0.25", "facecolor": (1, 1, 1, 0.9), "edgecolor": COLORS[i % len(COLORS)],
                      "linewidth": PT})
