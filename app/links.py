"""A comparison <-> its share link: the query-string parser and the one canonical link writer.

A value may be a comma list: lists give the runs, zipped by position; a single value applies to
every run. Commas between items stay literal; a comma inside an item (a label) is written %2C,
so the raw query string is split on commas before items are decoded.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote_plus

from pydantic import ValidationError

from app.errors import KeyProblem, QueryError, problem
from app.schemas import DEFAULTS, FIELDS, FORMAT_VERSION, PAGE_KEYS, RunConfig, allowed
from app.engine import DATASETS

# The lesson's keys are always written, so a link reads on its own.
ALWAYS_WRITTEN = ("dataset", "n_samples", "epochs", "batch_size")


def split_query(query: str) -> list[tuple[str, list[str]]]:
    """(key, items) per ``key=value`` pair, in order; items decoded one by one."""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote_plus(name), [unquote_plus(item) for item in value.split(",")]))
    return pairs


def parse_comparison(query: str, endpoint_keys: frozenset[str] = frozenset(), max_runs: int = 8) -> list[RunConfig]:
    """The runs a query string describes, or ``QueryError`` naming every bad key."""
    errors: list[dict] = []
    lists: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, items in split_query(query):
        value = ",".join(items)
        if name in seen:
            errors.append(problem(name, value, f"{name} is given twice; give it once, as a comma list for several runs"))
            continue
        seen.add(name)
        if name == "v" and value != FORMAT_VERSION:
            errors.append(problem(name, value, f"v={value!r} is not a known format version; allowed: {FORMAT_VERSION}"))
        elif name in PAGE_KEYS or name in endpoint_keys:
            continue
        elif name not in RunConfig.model_fields:
            errors.append(problem(name, value, f"unknown key {name!r}; allowed keys: {', '.join(FIELDS)}",
                                  "extra_forbidden"))
        else:
            lists[name] = items
    if errors:
        raise QueryError(errors)

    lengths = {k: len(v) for k, v in lists.items() if len(v) > 1}
    if len(set(lengths.values())) > 1:  # each list named with its own value, so each field can be marked
        desc = ", ".join(f"{k} has {n} items" for k, n in lengths.items())
        raise QueryError([problem(k, ",".join(lists[k]), f"lists must have the same length: {desc}", "list_length")
                          for k in lengths])
    n_runs = max(lengths.values(), default=1)
    if n_runs > max_runs:
        name = next(iter(lengths))
        raise QueryError.one(name, lists[name], f"{name} lists {n_runs} runs; at most {max_runs} runs are allowed")

    runs = []
    for i in range(n_runs):
        raw = {k: (v[i] if len(v) > 1 else v[0]) for k, v in lists.items()}
        # an empty item of an optional key leaves it unset in that run (patience=,50)
        raw = {k: v for k, v in raw.items() if v != "" or DEFAULTS[k] is not None}
        try:
            runs.append(RunConfig.model_validate(raw))
        except ValidationError as exc:
            errors += _problems(exc, raw, f" (run {i + 1})" if n_runs > 1 else "")
    if errors:
        raise QueryError(errors)
    return runs


def _problems(exc: ValidationError, raw: dict[str, str], where: str) -> list[dict]:
    """One problem per key (a union key fails once per member), each saying what is allowed."""
    out: dict[str, dict] = {}
    for err in exc.errors():
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, KeyProblem):
            name, value, msg = cause.key, cause.value, str(cause)
        else:
            name = str(err["loc"][0]) if err["loc"] else "query"
            value = raw.get(name)
            detail = err["msg"].removeprefix("Value error, ")
            msg = f"must be {allowed(name)}" if len(err["loc"]) > 1 else f"{detail}; allowed: {allowed(name)}"
        out.setdefault(name, problem(name, value, f"{name}={value!r}{where}: {msg}", err["type"]))
    return list(out.values())


def value_text(value: Any) -> str:
    """A value as a link writes it: shortest number form (0.1, 1e-05, 20), true/false, '' if unset."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def to_query(runs: list[RunConfig]) -> str:
    """THE share link of a comparison (``plan.query``; the page writes exactly it).

    Keys in schema order; the lesson's keys always, others only where a run differs from the
    default; n_samples left out when every data set is a real one of fixed size; a key equal in
    every run written once, else one item per run; the number of runs always kept."""
    fixed_size = all(DATASETS[r.dataset].fixed_size for r in runs)
    parts: list[tuple[str, list[str]]] = []
    for name in FIELDS:
        values = [value_text(getattr(r, name)) for r in runs]
        if name == "n_samples" and fixed_size:
            continue
        if name not in ALWAYS_WRITTEN and all(v == value_text(DEFAULTS[name]) for v in values):
            continue
        parts.append((name, values))
    if len(runs) > 1 and all(len(set(values)) == 1 for _, values in parts):
        parts = [(n, v if n == "batch_size" else v[:1]) for n, v in parts]  # identical runs: keep the count
    else:
        parts = [(n, v if len(set(v)) > 1 else v[:1]) for n, v in parts]
    return "&".join(f"{n}={','.join(quote(item, safe='') for item in items)}" for n, items in parts)
