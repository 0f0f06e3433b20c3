"""The live loss chart's rules the server's pictures follow, ported from static/js: the smoothing
(smoothing.js) and the loss axis' range (ranges.js, and Plotly's autorange without a diverged run).
Pure numpy, so a picture tells what the chart it stands in for will show."""
from __future__ import annotations

import math

import numpy as np

HEADROOM = 1.5  # static/js/theme.js: with a diverged run, the axis ends at this times the calm runs' top
AUTORANGE_PAD = 0.05  # Plotly's autorange pads a line trace's span by 5% at each end
MAX_BUCKETS = 800  # static/js/theme.js: a curve is drawn from at most this many buckets of updates
BLOCK = 256  # the moving average is computed in blocks of this many values (one small matrix)


def smoothing_weight(per_epoch: int, full_batch: bool, chosen: float | None = None) -> float:
    """The weight a run is smoothed with, as smoothing.js: none for the full batch, else the link's
    one weight (``smooth``) for every run, else about one epoch (at most 0.99)."""
    if full_batch:
        return 0.0
    return chosen if chosen is not None else min(0.99, 1 - 1 / per_epoch)


def bucket_size(n: int) -> int:
    """decimate.js: buckets of one update, doubled until at most MAX_BUCKETS hold the series, so
    the picture's points are the chart's (its smoothed line starts at the first bucket's end)."""
    size = 1
    while math.ceil(n / size) > MAX_BUCKETS:
        size *= 2
    return size


def smooth(values, weight: float, log: bool = False) -> np.ndarray:
    """TensorBoard's debiased moving average of finite ``values``, as smoothing.js: the first
    value is the first loss itself. With ``log`` (a log loss axis) the average of log(loss), drawn
    as exp of it: a linear average lags by decades while the loss falls by decades per epoch."""
    v = np.asarray(values, dtype=float)
    if weight == 0 or not len(v):
        return v.copy()
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(v)
        if np.isfinite(logs).all():
            return np.exp(ema(logs, weight))
        return skipping(logs, weight, np.exp)
    return ema(v, weight)


def skipping(v: np.ndarray, weight: float, back) -> np.ndarray:
    """smoothing.js' loop as it is, for the rare series with values it skips (a loss of 0 on a log
    axis): NaN until the first finite value, then the average of the finite ones."""
    out, mean, count = np.full(len(v), np.nan), 0.0, 0
    for i, x in enumerate(v):
        if np.isfinite(x):
            mean, count = weight * mean + (1 - weight) * x, count + 1
        if count:
            out[i] = back(mean / (1 - weight ** count))
    return out


def ema(v: np.ndarray, weight: float) -> np.ndarray:
    """The debiased average of finite values, vectorized by blocks: within one, each value is the
    carried average decayed plus a lower-triangular matrix of weight powers times the block."""
    n = min(BLOCK, len(v))
    lags = np.arange(n)[:, None] - np.arange(n)[None, :]
    kernel = np.where(lags >= 0, (1 - weight) * weight ** np.maximum(lags, 0), 0.0)
    decay = weight ** np.arange(1, n + 1)
    ema, carry = np.empty_like(v), 0.0
    for start in range(0, len(v), n):
        block = v[start:start + n]
        m = len(block)
        ema[start:start + m] = decay[:m] * carry + kernel[:m, :m] @ block
        carry = ema[start + m - 1]
    return ema / (1 - weight ** np.arange(1, len(v) + 1))


def loss_range(runs: list[tuple[bool, float, float, float]]) -> tuple[float, float]:
    """The loss axis of runs given as (diverged, largest loss, largest value drawn, smallest value
    drawn): with a diverged run, 0 to HEADROOM times the largest loss of the runs that did not
    diverge (ranges.js calmRange); else what Plotly's autorange shows, every value drawn (the
    faint per-update losses too) padded by 5% of the span at each end."""
    calm = [r for r in runs if not r[0] and np.isfinite(r[1])]
    if calm and len(calm) < len(runs):
        return 0.0, HEADROOM * max(r[1] for r in calm)
    tops = [r[2] for r in runs if np.isfinite(r[2])]
    lows = [r[3] for r in runs if np.isfinite(r[3])]
    if not tops:
        return 0.0, 1.0
    low, high = min(lows), max(tops)
    pad = AUTORANGE_PAD * (high - low) if high > low else max(abs(high), 1.0) * AUTORANGE_PAD
    return low - pad, high + pad
