"""One run's configuration and its update plan (the heart of the lesson)."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from .datasets import DATASETS, Dataset, dataset_size, make_dataset, split_sizes


@dataclass(frozen=True)
class TrainConfig:
    """What the engine needs of a run. Built from the validated ``app.schemas.RunConfig``, which
    is the one home of every default and bound; none are repeated here."""

    dataset: str
    n_samples: int
    noise: float | None  # None: the data set's default
    x_center: float  # centre of the linear set's inputs
    seed: int
    model: str | None  # None: fits the data set
    hidden: tuple[int, ...]
    activation: str
    batch_norm: bool
    loss: str | None  # None: fits the data set
    optimizer: str
    learning_rate: float
    momentum: float
    nesterov: bool
    decay: float
    batch_size: int | None  # None: full batch
    epochs: int
    shuffle: bool
    validation_split: float
    normalize: bool
    patience: int | None  # early stopping on validation loss, in epochs

    @property
    def task(self) -> str:
        return DATASETS[self.dataset].task

    @property
    def resolved_model(self) -> str:
        if self.model:
            return self.model
        return "linear" if self.task == "regression" else "logistic"

    @property
    def resolved_loss(self) -> str:
        if self.loss:
            return self.loss
        return "mse" if self.task == "regression" else "cross_entropy"

    @property
    def n_params(self) -> int:
        """Trainable parameters of the model, without building it."""
        info = DATASETS[self.dataset]
        if self.resolved_model != "mlp":
            return (info.n_features + 1) * info.n_outputs
        sizes = [info.n_features, *self.hidden, info.n_outputs]
        dense = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
        return dense + (2 * sum(self.hidden) if self.batch_norm else 0)

    def make_data(self) -> Dataset:
        """This run's data set (shared, read-only, by every run with the same data keys)."""
        return make_dataset(self.dataset, self.n_samples, self.noise, self.seed,
                            self.validation_split, self.normalize, self.x_center)


@dataclass(frozen=True)
class Plan:
    n_train: int
    n_val: int
    batch_size: int
    iterations_per_epoch: int
    epochs: int
    total_updates: int

    @property
    def variant(self) -> str:
        if self.batch_size >= self.n_train:
            return "full-batch"
        return "sgd" if self.batch_size == 1 else "mini-batch"

    def to_dict(self) -> dict:
        return {**asdict(self), "variant": self.variant}


def make_plan(config: TrainConfig) -> Plan:
    """iterations_per_epoch = ceil(n_train / batch_size), the last smaller batch kept (Keras)."""
    n_train, n_val = split_sizes(dataset_size(config.dataset, config.n_samples), config.validation_split)
    batch = n_train if config.batch_size is None else min(config.batch_size, n_train)
    per_epoch = math.ceil(n_train / batch)
    return Plan(n_train, n_val, batch, per_epoch, config.epochs, per_epoch * config.epochs)
