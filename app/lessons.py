"""The lessons' comparisons (the page's presets); the first is the default comparison."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    title_key: str  # the i18n string naming it
    query: str


PRESETS = (
    Preset("batch_size", "preset_batches", "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"),
    Preset("iterations", "preset_mnist", "dataset=linear&n_samples=60000&batch_size=100&epochs=10&learning_rate=0.01"),
    Preset("learning_rate", "preset_lr", "dataset=linear&n_samples=1000&epochs=20&batch_size=32"
           "&learning_rate=0.001,0.05,0.3,0.6&label=too small,good,oscillates,diverges"),
    Preset("keras_sgd", "preset_keras", "dataset=linear&n_samples=1000&epochs=20&batch_size=32&learning_rate=0.01"
           "&momentum=0,0.1&decay=0,0.1&label=plain SGD,lr 0.01 decay 0.1 momentum 0.1"),
    Preset("overfitting", "preset_overfit", "dataset=moons&n_samples=100&noise=0.35&model=mlp&hidden=64x64&epochs=600"
           "&batch_size=10&optimizer=adam&learning_rate=0.01&validation_split=0.5&patience=,50"
           "&label=600 epochs,early stopping"),
    Preset("normalization", "preset_normalize", "dataset=digits&model=logistic&epochs=20&batch_size=32"
           "&learning_rate=0.1&normalize=false,true&validation_split=0.2"),
)
DEFAULT_QUERY = PRESETS[0].query
