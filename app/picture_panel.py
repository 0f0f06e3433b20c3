"""The link-preview picture's text (app/picture.py): the panel beside the plot (each run's colour
and dash, its name and its update count in large type, read at chat size, 400x210, and the key
to what is drawn besides the lines: the noise band, the validation diamonds), and the question's
picture (predict=true), all text."""
from __future__ import annotations

import textwrap

from app import picture
from app.picture import COLORS, DASHES, FG, MUTED, PANEL_LEFT, Curve, status_text
from app.png import png

RIGHT = 0.985  # the panel's right edge (figure fraction)
SWATCH = 0.042  # a run's line sample before its name
# (name sizes, count sizes) in points by number of runs: as large as the panel's height allows
SIZES = {1: ((30, 26, 22), (26, 22, 18)), 3: ((30, 26, 22), (24, 21, 18)), 4: ((26, 22, 19), (22, 19, 17)),
         8: ((16, 15, 14), (14, 13, 12))}
KEY_STEP = 0.058  # one line of the key at the foot


def sizes(n: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return SIZES[min(k for k in SIZES if k >= min(n, 8))]


def names(fig, curves: list[Curve], t: dict[str, str], keys: list[str]) -> None:
    """Top down, each run: its line sample and name on one line, its update count (or how it
    ended) under both. Names sharing keys (``momentum=0.9, nesterov=true``) show the keys once above
    and only the values; every name at one size (cut, if it must be, at that size too)."""
    from matplotlib.lines import Line2D

    renderer = fig.canvas.get_renderer()
    header, shown = common_keys([c.name for c in curves])
    top, bottom = 0.83, 0.04 + KEY_STEP * len(keys) + 0.03
    if header:
        text, size = fit(renderer, header, RIGHT - PANEL_LEFT, (20, 17, 15), bold=False)
        fig.text(PANEL_LEFT, top, text, fontsize=size, color=MUTED, va="center")
        top -= 0.085
    step = min(0.2, (top - bottom) / max(len(curves), 1))
    name_sizes, count_sizes = sizes(len(curves))
    shown, name_size = fit_all(renderer, shown, RIGHT - PANEL_LEFT - SWATCH - 0.012, name_sizes)
    # an early end on a line of its own: "255 of 1500 updates", "stopped at epoch 51"
    lines = [status_text(c, t).split(" · ") for c in curves]
    flat, count_size = fit_all(renderer, [line for count in lines for line in count], RIGHT - PANEL_LEFT, count_sizes,
                               bold=False)
    fitted = iter(flat)
    counts = ["\n".join(next(fitted) for _ in count) for count in lines]
    for i, (name, count) in enumerate(zip(shown, counts)):
        y = top - i * step
        fig.add_artist(Line2D([PANEL_LEFT, PANEL_LEFT + SWATCH], [y, y], color=COLORS[i % len(COLORS)],
                              linestyle=DASHES[i % len(DASHES)], linewidth=7, transform=fig.transFigure))
        fig.text(PANEL_LEFT + SWATCH + 0.012, y, name, fontsize=name_size, fontweight="bold", va="center")
        fig.text(PANEL_LEFT, y - min(0.042, 0.33 * step), count, fontsize=count_size, color=FG, va="top", linespacing=1.1)
    key(fig, keys, t)


def key(fig, keys: list[str], t: dict[str, str]) -> None:
    """At the panel's foot: the pale band is each update's loss, the dots the training loss at each
    epoch's end, the open diamonds the validation loss."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    for j, name in enumerate(reversed(keys)):
        y = 0.045 + j * KEY_STEP
        if name == "band":
            fig.add_artist(Rectangle((PANEL_LEFT, y - 0.018), SWATCH, 0.036, facecolor=MUTED, alpha=0.25,
                                     linewidth=0, transform=fig.transFigure))
        elif name == "train":
            fig.add_artist(Line2D([PANEL_LEFT + SWATCH / 2], [y], marker="o", markersize=9, color=MUTED,
                                  transform=fig.transFigure))
        else:
            fig.add_artist(Line2D([PANEL_LEFT + SWATCH / 2], [y], marker="D", markersize=11, markerfacecolor="white",
                                  markeredgecolor=MUTED, markeredgewidth=2.5, transform=fig.transFigure))
        word = {"band": t["share_band"], "train": t["train_loss"], "val": t["val_loss"]}[name]
        text, size = fit(fig.canvas.get_renderer(), word, RIGHT - PANEL_LEFT - SWATCH - 0.012, (18, 15), bold=False)
        fig.text(PANEL_LEFT + SWATCH + 0.012, y, text, fontsize=size, color=MUTED, va="center")


def common_keys(names: list[str]) -> tuple[str, list[str]]:
    """("momentum, nesterov", ["0, false", "0.9, true"]) when every name sets the same keys in the
    same order (the plan's labels of the keys that differ); a key every run sets alike is given
    with its value in the header only. Else ("", names)."""
    parts = [[pair.partition("=") for pair in name.split(", ")] for name in names]
    if len(names) < 2 or len({tuple(k for k, _, _ in p) for p in parts}) != 1 or not all(s for p in parts for _, s, _ in p):
        return "", names
    same = [len({p[j][2] for p in parts}) == 1 for j in range(len(parts[0]))]
    header = ", ".join(f"{k}={v}" if alike else k for (k, _, v), alike in zip(parts[0], same))
    return header, [", ".join(v for (_, _, v), alike in zip(p, same) if not alike) for p in parts]


def fit_all(renderer, texts: list[str], width: float, sizes: tuple[float, ...], bold: bool = True) -> tuple[list[str], float]:
    """Every text at the first of ``sizes`` at which all fit ``width``, else each at the last, cut."""
    for size in sizes:
        if all(fit(renderer, text, width, (size,), bold) == (text, size) for text in texts):
            return list(texts), size
    return [fit(renderer, text, width, sizes[-1:], bold)[0] for text in texts], sizes[-1]


def fit(renderer, text: str, width: float, sizes: tuple[float, ...], bold: bool = True) -> tuple[str, float]:
    """``text`` at the first of ``sizes`` (points) that fits ``width`` (a figure fraction), else at
    the last, cut with an ellipsis (measured by the Agg renderer at the picture's dpi: no drawing)."""
    from matplotlib.font_manager import FontProperties

    def fits(candidate: str, size: float) -> bool:
        prop = FontProperties(weight="bold" if bold else "normal", size=size)
        return renderer.get_text_width_height_descent(candidate, prop, ismath=False)[0] <= width * renderer.width

    for size in sizes:
        if fits(text, size):
            return text, size
    low, high = 0, len(text)  # the longest cut that fits: binary search
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(text[:middle].rstrip() + "…", sizes[-1]) else (low, middle - 1)
    return text[:low].rstrip() + "…", sizes[-1]


def ask(title: str, question: str, runs: list[str], width: int) -> bytes:
    from matplotlib.lines import Line2D

    fig, canvas = picture.figure(width)
    renderer = canvas.get_renderer()
    text, size = fit(renderer, title, 0.93, (30, 26, 22))
    fig.text(0.035, 0.955, text, fontsize=size, fontweight="bold", va="top")
    wide = picture.needs_cjk([question])  # no spaces to break at: cut by characters
    lines = [question[i:i + 30] for i in range(0, len(question), 30)] if wide else textwrap.wrap(question, 60)
    for i, line in enumerate(lines[:3]):
        text, size = fit(renderer, line, 0.93, (28, 24), bold=False)
        fig.text(0.035, 0.8 - i * 0.085, text, fontsize=size, va="top")
    step = min(0.09, 0.42 / max(len(runs), 1))
    shown, size = fit_all(renderer, runs, 0.8, (22, 19, 17))
    for i, name in enumerate(shown):
        y = 0.47 - i * step
        color, dash = COLORS[i % len(COLORS)], DASHES[i % len(DASHES)]
        fig.add_artist(Line2D([0.04, 0.09], [y, y], color=color, linestyle=dash, linewidth=6, transform=fig.transFigure))
        fig.text(0.105, y, name, fontsize=size, fontweight="bold", va="center")
    return png(canvas, ("#ffffff", *COLORS[:len(runs)], FG))
