"""The one shape of a bad-input answer: a 422 whose every item names the key, the value and what
is allowed. Everything that refuses a request's input raises ``QueryError``; one handler in
``app.api.handlers`` turns it into the response body."""
from __future__ import annotations

from typing import Any


class KeyProblem(ValueError):
    """A check across keys that still names the one key to change (raised inside validators)."""

    def __init__(self, key: str, value: Any, message: str):
        super().__init__(message)
        self.key, self.value = key, value


def problem(key: str, value: Any, msg: str, kind: str = "value_error", where: str = "query") -> dict:
    return {"loc": [where, key], "msg": msg, "type": kind, "input": value}


class QueryError(Exception):
    """422: each item of ``errors`` is a ``problem(...)``."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["msg"] for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, key: str, value: Any, msg: str, kind: str = "value_error", where: str = "query") -> QueryError:
        return cls([problem(key, value, msg, kind, where)])

    def body(self) -> dict:
        return {"detail": self.errors}
