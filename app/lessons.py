"""The lesson cards: a comparison each, with a short explanation and a question, in four languages
(texts in app/i18n/lessons.json). The first is the default comparison of the page.

``answer`` names the rule ``app.verdicts.judge`` applies to the finished runs (GET /api/verdict):
the run with the most updates, the lowest final training or validation loss, or (with
``options``) the number of iterations per epoch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app import i18n


@dataclass(frozen=True)
class Lesson:
    name: str
    query: str  # canonical (tests check): the page's link is exactly this
    answer: str  # most_updates | lowest_train_loss | lowest_val_loss | iterations_per_epoch
    options: tuple[str, ...] = ()  # answers to choose from, when they are not the runs
    page: str = ""  # page keys the card opens with unless the link sets them (chart options)


LESSONS = (
    Lesson("batch_size", "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100", "most_updates"),
    Lesson("iterations", "dataset=linear&n_samples=60000&epochs=10&batch_size=100", "iterations_per_epoch",
           ("6", "60", "600", "6000")),
    Lesson("learning_rate", "dataset=linear&n_samples=1000&epochs=20&batch_size=32&learning_rate=0.0002,0.02,0.3,0.5",
           "lowest_train_loss"),
    # a long narrow valley (inputs far from 0, no noise): plain SGD crawls along its floor where
    # momentum runs; Nesterov damps momentum's swings across it, decay slows it down
    Lesson("keras_sgd", "dataset=linear&n_samples=1000&noise=0&x_center=4&epochs=5&momentum=0,0.9,0.9,0.9"
           "&nesterov=false,false,true,true&decay=0,0,0,0.01&batch_size=32&learning_rate=0.025", "lowest_train_loss",
           # momentum's 1e-8 against plain SGD's 0.018 only shows on a log loss axis; TensorBoard's
           # 0.6 smoothing, as about an epoch's (0.97) lags 3-9x above losses falling a decade an epoch
           page="logy=true&smooth=0.6"),
    Lesson("normalization", "dataset=digits&validation_split=0.2&normalize=false,true&model=logistic&epochs=20"
           "&batch_size=32&learning_rate=0.1", "lowest_train_loss"),
    Lesson("batch_norm", "dataset=digits&validation_split=0.2&model=mlp&hidden=32x32&activation=sigmoid"
           "&batch_norm=false,true&epochs=10&batch_size=32&learning_rate=0.1", "lowest_train_loss"),
    Lesson("overfitting", "dataset=moons&n_samples=100&noise=0.35&validation_split=0.5&model=mlp&hidden=64x64"
           "&epochs=300&patience=,50&batch_size=10&optimizer=adam", "lowest_val_loss"),
)
BY_NAME = {lesson.name: lesson for lesson in LESSONS}
DEFAULT_QUERY = LESSONS[0].query


@lru_cache
def texts() -> dict[str, dict[str, dict[str, str]]]:
    return json.loads((Path(i18n.__file__).parent / "lessons.json").read_text(encoding="utf-8"))


def cards(lang: str) -> list[dict]:
    """Every lesson card in one language (``lang`` as the page picks it)."""
    return [{"name": lesson.name, **{field: texts()[lesson.name][field][lang] for field in ("title", "text", "question")},
             "query": lesson.query, "answer": lesson.answer, "options": list(lesson.options), "page": lesson.page}
            for lesson in LESSONS]
