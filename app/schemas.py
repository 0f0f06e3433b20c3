"""The run configuration, which is also the share-link schema, and the comma-list query parser.

A comparison is a query string: each key is a field of ``RunConfig``; a comma-separated value
gives one value per run (zipped by position), a single value applies to every run.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import quote

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.engine import DATASETS, TrainConfig
from app.engine.datasets import dataset_size, split_sizes

PAGE_ONLY_KEYS = {"v", "lang", "autoplay", "view"}  # ignored by the API
FORMAT_VERSION = "1"
MAX_HIDDEN_LAYERS = 4
MAX_HIDDEN_UNITS = 256
MAX_BATCH = 1_000_000


class RunConfig(BaseModel):
    """One run of a comparison. Field names are the share-link keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: Literal["linear", "moons", "digits"] = "linear"
    n_samples: Annotated[int, Field(ge=2, le=1_000_000)] = 1000
    noise: Annotated[float, Field(ge=0, le=10)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    model: Literal["linear", "logistic", "mlp"] | None = None
    hidden: tuple[int, ...] = (16, 16)
    activation: Literal["relu", "tanh", "sigmoid"] = "relu"
    batch_norm: bool = False
    loss: Literal["mse", "cross_entropy"] | None = None
    optimizer: Literal["sgd", "adam", "rmsprop", "adagrad"] = "sgd"
    learning_rate: Annotated[float, Field(gt=0, le=100)] = 0.01
    momentum: Annotated[float, Field(ge=0, lt=1)] = 0.0
    nesterov: bool = False
    decay: Annotated[float, Field(ge=0, le=100)] = 0.0
    batch_size: int | Literal["full"] = 32
    epochs: Annotated[int, Field(ge=1, le=1000)] = 20
    shuffle: bool = True
    validation_split: Annotated[float, Field(ge=0, le=0.9)] = 0.0
    normalize: bool = False
    patience: Annotated[int, Field(ge=1, le=1000)] | None = None
    label: Annotated[str, Field(max_length=60)] | None = None

    @field_validator("batch_size", mode="before")
    @classmethod
    def _batch_size(cls, v: Any) -> Any:
        if v == "full":
            return v
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise ValueError(f"must be {CUSTOM_ALLOWED['batch_size']}") from None
        if not 1 <= n <= MAX_BATCH or str(v).strip() != str(n):
            raise ValueError(f"must be {CUSTOM_ALLOWED['batch_size']}")
        return n

    @field_validator("hidden", mode="before")
    @classmethod
    def _hidden(cls, v: Any) -> Any:
        allowed = CUSTOM_ALLOWED["hidden"]
        if isinstance(v, str):
            try:
                v = tuple(int(part) for part in v.split("x"))
            except ValueError:
                raise ValueError(f"must be {allowed}") from None
        if not 1 <= len(v) <= MAX_HIDDEN_LAYERS or not all(1 <= n <= MAX_HIDDEN_UNITS for n in v):
            raise ValueError(f"must be {allowed}")
        return tuple(v)

    @field_validator("label")
    @classmethod
    def _label(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @model_validator(mode="after")
    def _fits_dataset(self) -> RunConfig:
        task = DATASETS[self.dataset].task
        if task == "regression" and self.loss == "cross_entropy":
            raise _KeyError("loss", self.loss, "cross_entropy needs a classification data set "
                            "(moons, digits); use mse for dataset=linear")
        if task == "regression" and self.model == "logistic":
            raise _KeyError("model", self.model, "logistic regression needs a classification data "
                            "set (moons, digits); use linear or mlp for dataset=linear")
        if self.patience is not None and self.validation_split == 0:
            raise _KeyError("patience", self.patience, "early stopping watches the validation loss; "
                            "set validation_split above 0")
        n_train, _ = split_sizes(dataset_size(self.dataset, self.n_samples), self.validation_split)
        if n_train < 1:
            raise _KeyError("validation_split", self.validation_split,
                            "leaves no training example; lower it or raise n_samples")
        return self

    def train_config(self) -> TrainConfig:
        """The engine's view of this run (the label only names it)."""
        data = self.model_dump(exclude={"label"})
        data["batch_size"] = None if self.batch_size == "full" else self.batch_size
        return TrainConfig(**data)


class _KeyError(ValueError):
    """A cross-field error that still names the one key to change."""

    def __init__(self, key: str, value: Any, message: str):
        super().__init__(message)
        self.key, self.value = key, value


FIELDS = list(RunConfig.model_fields)


class QueryError(Exception):
    """422: each error names the key, the value given and what is allowed."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["msg"] for e in errors))
        self.errors = errors


def _error(key: str, value: Any, msg: str, kind: str = "value_error") -> dict:
    return {"loc": ["query", key], "msg": msg, "type": kind, "input": value}


def allowed(key: str) -> str:
    """What a key accepts, read off the field's own type and bounds."""
    if key in CUSTOM_ALLOWED:
        return CUSTOM_ALLOWED[key]
    field = RunConfig.model_fields[key]
    metadata = list(field.metadata)
    kinds = []
    for arg in get_args(field.annotation) or (field.annotation,):
        if get_origin(arg) is Annotated:
            arg, *extra = get_args(arg)
            metadata += [m for info in extra for m in getattr(info, "metadata", [info])]
        if arg is not type(None):
            kinds.append(arg)
    if get_origin(field.annotation) is Literal:
        kinds = [field.annotation]
    literals = [x for k in kinds if get_origin(k) is Literal for x in get_args(k)]
    if literals:
        return "one of " + ", ".join(literals)
    if bool in kinds:
        return "true or false"
    bounds = [f"{word} {getattr(m, attr)}" for m in metadata
              for cls, word, attr in BOUNDS if isinstance(m, cls)]
    bounds += [f"at most {m.max_length} characters" for m in metadata if isinstance(m, MaxLen)]
    kind = {int: "a whole number", str: "text"}.get(kinds[0], "a number")
    return kind + (" " + " and ".join(bounds) if bounds else "")


BOUNDS = ((Ge, ">=", "ge"), (Gt, ">", "gt"), (Le, "<=", "le"), (Lt, "<", "lt"))
CUSTOM_ALLOWED = {
    "batch_size": f"'full' or a whole number from 1 to {MAX_BATCH}",
    "hidden": f"sizes separated by 'x', e.g. 16x16: 1 to {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_HIDDEN_UNITS} units",
}


def parse_comparison(items: list[tuple[str, str]], endpoint_keys: set[str] = frozenset(),
                     max_runs: int = 8) -> list[RunConfig]:
    """Turn a query string's (key, value) pairs into the runs of a comparison, or raise QueryError."""
    errors: list[dict] = []
    lists: dict[str, list[str]] = {}
    seen: set[str] = set()
    for key, value in items:
        if key in seen:
            errors.append(_error(key, value, f"{key} is given twice; give it once, as a comma list for several runs"))
            continue
        seen.add(key)
        if key == "v":
            if value != FORMAT_VERSION:
                errors.append(_error(key, value, f"v={value!r} is not a known format version; allowed: {FORMAT_VERSION}"))
            continue
        if key in PAGE_ONLY_KEYS or key in endpoint_keys:
            continue
        if key not in RunConfig.model_fields:
            errors.append(_error(key, value, f"unknown key {key!r}; allowed keys: {', '.join(FIELDS)}", "extra_forbidden"))
            continue
        lists[key] = value.split(",")
    if errors:
        raise QueryError(errors)

    lengths = {k: len(v) for k, v in lists.items() if len(v) > 1}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise QueryError([_error(",".join(lengths), None, f"comma lists must have the same length: {desc} values")])
    n_runs = max(lengths.values(), default=1)
    if n_runs > max_runs:
        key = next(iter(lengths))
        raise QueryError([_error(key, lists[key], f"{key} lists {n_runs} runs; at most {max_runs} runs are allowed")])

    runs = []
    for i in range(n_runs):
        raw = {k: (v[i] if len(v) > 1 else v[0]) for k, v in lists.items()}
        # an empty value of an optional key means "not set" (e.g. patience=,50: only run 2 stops early)
        raw = {k: v for k, v in raw.items() if v != "" or RunConfig.model_fields[k].default is not None}
        where = f" (run {i + 1})" if n_runs > 1 else ""
        try:
            runs.append(RunConfig.model_validate(raw))
        except ValidationError as exc:
            for err in exc.errors():
                cause = err.get("ctx", {}).get("error")
                if isinstance(cause, _KeyError):
                    key, value, msg = cause.key, cause.value, str(cause)
                else:
                    key = str(err["loc"][0]) if err["loc"] else "query"
                    value, msg = raw.get(key), err["msg"].removeprefix("Value error, ")
                    if key in RunConfig.model_fields and key not in CUSTOM_ALLOWED:
                        msg = f"{msg}; allowed: {allowed(key)}"
                errors.append(_error(key, value, f"{key}={value!r}{where}: {msg}", err["type"]))
    if errors:
        raise QueryError(errors)
    return runs


def to_query(runs: list[RunConfig]) -> str:
    """The canonical share link of a comparison: only non-default keys, commas literal."""
    parts = []
    for key in FIELDS:
        values = [value_text(getattr(r, key)) for r in runs]
        default = value_text(RunConfig.model_fields[key].default)
        if all(v == default for v in values):
            continue
        joined = values[0] if len(set(values)) == 1 else ",".join(quote(v, safe="") for v in values)
        parts.append(f"{key}={quote(joined, safe=',') if len(set(values)) == 1 else joined}")
    return "&".join(parts)


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "x".join(map(str, value))
    return str(value)
