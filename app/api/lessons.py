"""The lesson cards and the verdict on a lesson's question, judged on the server from the
finished comparison (read as /api/history reads it: cached runs answer at once)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app import i18n
from app.api.deps import ComparisonDep, FinishedDep
from app.api.openapi import RUN_PARAMETERS
from app.comparison import final_fields
from app.errors import QueryError
from app.lessons import BY_NAME, Lesson, cards
from app.verdicts import choices, judge

router = APIRouter(prefix="/api", tags=["lessons"])


@router.get("/lessons")
async def lessons(lang: str = Query("en", description="en, pt-BR, ja or zh-CN")):
    """The lesson cards in one language: name, title, text, question, the comparison's query, and
    the rule its verdict follows (``answer``)."""
    return {"lessons": cards(i18n.pick(lang, None))}


async def get_lesson(lesson: str = Query(..., description="the lesson whose question is answered")) -> Lesson:
    """The lesson named, checked before anything trains."""
    if lesson not in BY_NAME:
        raise QueryError.one("lesson", lesson, f"lesson={lesson!r}: allowed: one of {', '.join(BY_NAME)}")
    return BY_NAME[lesson]


LessonDep = Annotated[Lesson, Depends(get_lesson)]


async def get_choice(card: LessonDep, comparison: ComparisonDep,
                     choice: str | None = Query(None, description="the student's answer, judged right or not")
                     ) -> str | None:
    """The student's answer, checked before anything trains: one of the card's options, else a
    run's 0-based index."""
    allowed = choices(card.options, len(comparison.runs))
    if choice is not None and choice not in allowed:
        raise QueryError.one("choice", choice, f"choice={choice!r}: allowed: one of {', '.join(allowed)}")
    return choice


ChoiceDep = Annotated[str | None, Depends(get_choice)]


@router.get("/verdict", openapi_extra={"parameters": RUN_PARAMETERS})
async def verdict(card: LessonDep, comparison: ComparisonDep, choice: ChoiceDep, records: FinishedDep):
    """Which answer to the lesson's question the comparison's measured numbers make right:
    ``value`` (an option, or a run's 0-based index), ``text`` (that answer as the card names it),
    each run's quoted numbers (label, status, updates, final train and validation loss, as
    ``/api/history`` gives them), ``digits`` (significant digits that tell the compared losses
    apart) and ``tied`` (the runs printing like the best at 6 digits); with ``choice`` (an option
    or a run's index), ``right``. Trains the comparison first unless it is cached."""
    if records is None:
        return Response(status_code=499)  # nobody reads it
    runs = [{"status": str(rec.status), "updates": len(rec.loss), **final_fields(rec, p)}
            for rec, p in zip(records, comparison.plan["runs"])]
    return {"lesson": card.name, **judge(card.answer, comparison.plan, runs, choice)}
