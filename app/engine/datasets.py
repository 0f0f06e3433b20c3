"""Seeded data sets and the train/validation split.

Every generator takes a ``numpy.random.Generator`` so one seed reproduces the data exactly.
Regression targets have shape (n, 1); class labels are integers of shape (n,).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DIGITS_FILE = Path(__file__).with_name("data") / "digits.csv.gz"
DIGITS_SIZE = 1797

# The `linear` data set: y = SLOPE * x + INTERCEPT + noise, x ~ U(x_center - X_HALF_WIDTH, x_center + X_HALF_WIDTH).
# x is off-centre by default (X_CENTER), so normalizing inputs visibly rounds the loss landscape;
# the further from 0 the centre, the longer and narrower the valley of the (w, b) landscape.
SLOPE, INTERCEPT = 2.0, 1.0
X_CENTER, X_HALF_WIDTH = 1.0, 2.0


@dataclass(frozen=True)
class DatasetInfo:
    task: str  # "regression" or "classification"
    n_features: int
    n_outputs: int  # regression targets or classes
    default_noise: float
    fixed_size: int | None = None  # real data sets ignore n_samples


DATASETS: dict[str, DatasetInfo] = {
    "linear": DatasetInfo("regression", 1, 1, default_noise=0.5),
    "moons": DatasetInfo("classification", 2, 2, default_noise=0.2),
    "digits": DatasetInfo("classification", 64, 10, default_noise=0.0, fixed_size=DIGITS_SIZE),
}


@dataclass(frozen=True)
class Dataset:
    name: str
    task: str
    n_outputs: int
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray

    @property
    def n_train(self) -> int:
        return len(self.X_train)

    @property
    def n_val(self) -> int:
        return len(self.X_val)


def make_linear(n: int, noise: float, rng: np.random.Generator,
                x_center: float = X_CENTER) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(x_center - X_HALF_WIDTH, x_center + X_HALF_WIDTH, size=(n, 1))
    y = SLOPE * x + INTERCEPT + noise * rng.standard_normal((n, 1))
    return x, y


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as scikit-learn's ``make_moons`` (shuffled)."""
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X += noise * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(DIGITS_FILE, "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    X = table[:, :-1] / 16.0  # pixel counts 0..16 scaled to [0, 1], as images are
    y = table[:, -1].astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The real 8x8 handwritten digits (UCI), 1797 x 64, in their original order."""
    X, y = _digits()
    return X.copy(), y.copy()


def dataset_size(name: str, n_samples: int) -> int:
    fixed = DATASETS[name].fixed_size
    return fixed if fixed is not None else n_samples


def split_sizes(n: int, validation_split: float) -> tuple[int, int]:
    """Keras' split: the last ``validation_split`` fraction is held out."""
    n_train = int(n * (1.0 - validation_split))
    return n_train, n - n_train


def make_dataset(
    name: str,
    n_samples: int = 1000,
    noise: float | None = None,
    seed: int = 0,
    validation_split: float = 0.0,
    normalize: bool = False,
    x_center: float = X_CENTER,
) -> Dataset:
    """The runs of a comparison usually share their data: it is built once and kept read-only."""
    if DATASETS[name].fixed_size is not None:
        n_samples = DATASETS[name].fixed_size  # ignored by real data sets: one cache entry
    if name != "linear":
        x_center = X_CENTER  # only the linear set has it: one cache entry
    return _make_dataset(name, n_samples, noise, seed, validation_split, normalize, x_center)


@lru_cache(maxsize=8)
def _make_dataset(name: str, n_samples: int, noise: float | None, seed: int,
                  validation_split: float, normalize: bool, x_center: float) -> Dataset:
    info = DATASETS[name]
    noise = info.default_noise if noise is None else noise
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    if name == "linear":
        X, y = make_linear(n_samples, noise, rng, x_center)
    elif name == "moons":
        X, y = make_moons(n_samples, noise, rng)
    else:
        X, y = load_digits()
    n_train, _ = split_sizes(len(X), validation_split)
    X_train, X_val = X[:n_train], X[n_train:]
    if normalize:
        mean = X_train.mean(axis=0)
        std = X_train.std(axis=0)
        std[std == 0] = 1.0  # constant pixels stay put instead of dividing by zero
        X_train = (X_train - mean) / std
        X_val = (X_val - mean) / std
    arrays = [np.ascontiguousarray(a) for a in (X_train, y[:n_train], X_val, y[n_train:])]
    for a in arrays:
        a.setflags(write=False)
    return Dataset(name, info.task, info.n_outputs, *arrays)
