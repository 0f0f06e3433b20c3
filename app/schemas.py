"""The run configuration: the one home of every share-link key, its type, default, bounds and help.

A comparison is a query string whose keys are the fields of ``RunConfig`` (see ``app.links``).
The same model validates links, builds the engine's ``TrainConfig``, describes the keys in
``/openapi.json`` and is served to the page as JSON Schema (``GET /api/schema``), from which
the page builds its controls, so no bound or default is written twice.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.engine import DATASETS, TrainConfig
from app.engine.datasets import X_CENTER, X_HALF_WIDTH, dataset_size, split_sizes
from app.errors import KeyProblem

FORMAT_VERSION = "1"
HIDDEN_LAYERS = (1, 4)
HIDDEN_UNITS = (1, 256)
MAX_BATCH = 1_000_000
# Keys the page reads and the API ignores (never a 422): the contract's page-only keys.
PAGE_KEYS = {
    "lang": "language of the page: en, pt-BR, ja, zh-CN",
    "autoplay": "true: start training on load",
    "v": f"format version of the link ({FORMAT_VERSION})",
    "view": "views an embed shows: loss,landscape,fit,noise,overfit",
    "x": "x axis: updates, epochs, examples, seconds",
    "logx": "true: logarithmic x axis",
    "logy": "true: logarithmic loss axis",
    "smooth": "smoothing of the loss curves, 0 to 0.99",
    "lesson": "open a lesson card by name",
    "predict": "true: ask the card's question before the curves appear",
}
VIEWS = ("loss", "landscape", "fit", "noise", "overfit")


def key(default: Any, description: str, group: str, step: float | str | None = None, sizes_data: bool = False,
        **bounds: Any) -> Any:
    """A share-link key: its default, help text, form group and bounds, all in one place.
    ``sizes_data``: the key is a synthetic data set's size (``x-dataset-size``; real sets ignore it)."""
    extra: dict[str, Any] = {"x-group": group}
    if step is not None:
        extra["x-step"] = step
    if sizes_data:
        extra["x-dataset-size"] = True
    return Field(default, description=description, json_schema_extra=extra, **bounds)


class RunConfig(BaseModel):
    """One run of a comparison. Field names are the share-link keys, in the order links write them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: Literal["linear", "moons", "digits"] = key(
        "linear", f"linear: y = 2x + 1 + noise, 1 feature x ~ U(x_center - {X_HALF_WIDTH:g}, x_center + "
        f"{X_HALF_WIDTH:g}); moons: two interleaving half circles, "
        "2 classes; digits: the real 8x8 handwritten digits (1797 images, 10 classes)", "data")
    n_samples: int = key(1000, "examples of a synthetic data set (ignored by digits)", "data", step=1,
                         sizes_data=True, ge=2, le=1_000_000)
    noise: float | None = key(None, "noise of a synthetic data set; empty: the data set's own",
                              "data", step=0.05, ge=0, le=10)
    x_center: float = key(X_CENTER, "centre of the linear set's inputs (ignored by moons and digits); far "
                          "from 0 it stretches the (w, b) loss landscape into a long narrow valley", "data",
                          step=0.5, ge=-100, le=100)
    seed: int = key(0, "seed of the data, the initial weights and the shuffling", "data", step=1,
                    ge=0, le=2**32 - 1)
    validation_split: float = key(0.0, "fraction held out for validation, taken from the end as Keras "
                                  "does", "data", step=0.05, ge=0, le=0.9)
    normalize: bool = key(False, "standardize inputs with the training set's mean and std", "data")
    model: Literal["linear", "logistic", "mlp"] | None = key(
        None, "linear (affine), logistic (softmax) or mlp; empty: fits the data set", "model")
    hidden: str = key("16x16", f"MLP hidden sizes separated by 'x', {HIDDEN_LAYERS[0]} to {HIDDEN_LAYERS[1]} "
                      f"layers of {HIDDEN_UNITS[0]} to {HIDDEN_UNITS[1]} units", "model",
                      pattern=r"^[0-9]+(x[0-9]+){0,%d}$" % (HIDDEN_LAYERS[1] - 1))
    activation: Literal["relu", "tanh", "sigmoid"] = key("relu", "activation of the hidden layers", "model")
    batch_norm: bool = key(False, "batch normalization after each hidden layer (Keras defaults)", "model")
    loss: Literal["mse", "cross_entropy"] | None = key(
        None, "mse (as Keras, no 1/2) or cross_entropy (softmax); empty: fits the data set", "model")
    epochs: int = key(20, "passes over the training set", "optimizer", step=1, ge=1, le=1000)
    shuffle: bool = key(True, "reshuffle the training set every epoch", "optimizer")
    momentum: float = key(0.0, "SGD momentum, Keras semantics", "optimizer", step=0.05, ge=0, lt=1)
    nesterov: bool = key(False, "Nesterov momentum (SGD)", "optimizer")
    decay: float = key(0.0, "Keras legacy time-based decay: lr_t = lr / (1 + decay t)", "optimizer",
                       step=0.01, ge=0, le=100)
    patience: int | None = key(None, "early stopping on the validation loss after this many epochs "
                               "without improvement; empty: off", "optimizer", step=1, ge=1, le=1000)
    label: str | None = key(None, "display name of the run (plain text)", "runs", max_length=60)
    batch_size: Annotated[int, Field(ge=1, le=MAX_BATCH)] | Literal["full"] = key(
        32, "examples per update: a whole number, or full (= the training set)", "runs", step=1,
        union_mode="left_to_right")
    learning_rate: float = key(0.01, "step size of each update", "runs", step="any", gt=0, le=100)
    optimizer: Literal["sgd", "adam", "rmsprop", "adagrad"] = key(
        "sgd", "sgd, adam, rmsprop or adagrad, with Keras defaults", "runs")

    @field_validator("hidden")
    @classmethod
    def _hidden_units(cls, v: str) -> str:
        sizes = [int(part) for part in v.split("x")]
        if not all(HIDDEN_UNITS[0] <= n <= HIDDEN_UNITS[1] for n in sizes):
            raise ValueError("layer sizes out of range")
        return "x".join(map(str, sizes))

    @field_validator("label")
    @classmethod
    def _label(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @model_validator(mode="after")
    def _fits_dataset(self) -> RunConfig:
        task = DATASETS[self.dataset].task
        if task == "regression" and self.loss == "cross_entropy":
            raise KeyProblem("loss", self.loss, "cross_entropy needs a classification data set "
                             "(moons, digits); use mse for dataset=linear")
        if task == "regression" and self.model == "logistic":
            raise KeyProblem("model", self.model, "logistic regression needs a classification data "
                             "set (moons, digits); use linear or mlp for dataset=linear")
        if self.patience is not None and self.validation_split == 0:
            raise KeyProblem("patience", self.patience, "early stopping watches the validation loss; "
                             "set validation_split above 0")
        n_train, _ = split_sizes(dataset_size(self.dataset, self.n_samples), self.validation_split)
        if n_train < 1:
            raise KeyProblem("validation_split", self.validation_split,
                             "leaves no training example; lower it or raise n_samples")
        return self

    def train_config(self) -> TrainConfig:
        """The engine's view of this run (the label only names it)."""
        data = self.model_dump(exclude={"label"})
        data["batch_size"] = None if self.batch_size == "full" else self.batch_size
        data["hidden"] = tuple(int(n) for n in self.hidden.split("x"))
        return TrainConfig(**data)


FIELDS = list(RunConfig.model_fields)
DEFAULTS = {name: field.default for name, field in RunConfig.model_fields.items()}


@lru_cache(maxsize=1)
def run_schema() -> dict:
    """JSON Schema of one run, with the page's own keys and the link's rules as extensions."""
    schema = RunConfig.model_json_schema()
    schema["x-page-keys"] = PAGE_KEYS
    schema["x-views"] = list(VIEWS)
    schema["x-format-version"] = FORMAT_VERSION
    return schema


def allowed(name: str) -> str:
    """What a key accepts, in words, read off its JSON Schema."""
    prop = run_schema()["properties"][name]
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    words = [f"'{p['const']}'" for p in options if "const" in p]
    for p in options:
        if "const" in p:
            continue
        if "enum" in p:
            words.append("one of " + ", ".join(p["enum"]))
        elif p.get("type") == "boolean":
            words.append("true or false")
        elif name == "hidden":
            words.append(f"sizes separated by 'x', e.g. 16x16: {HIDDEN_LAYERS[0]} to {HIDDEN_LAYERS[1]} layers "
                         f"of {HIDDEN_UNITS[0]} to {HIDDEN_UNITS[1]} units")
        elif p.get("type") == "string":
            words.append("text" + (f" of at most {p['maxLength']} characters" if "maxLength" in p else ""))
        else:
            kind = "a whole number" if p.get("type") == "integer" else "a number"
            bounds = [f"{word} {p[k]}" for k, word in (("minimum", ">="), ("exclusiveMinimum", ">"),
                                                      ("maximum", "<="), ("exclusiveMaximum", "<")) if k in p]
            words.append(kind + (" " + " and ".join(bounds) if bounds else ""))
    return " or ".join(words)
