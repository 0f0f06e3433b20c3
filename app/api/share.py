"""Sharing: the picture of a comparison (/api/picture) for link previews, and oEmbed (/oembed) for
course pages that embed by URL (Moodle, WordPress, ...). Thin: the words and URLs are in
app.sharing, the drawing in app.picture."""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from importlib.metadata import version
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app import i18n, picture, picture_chart
from app.api.deps import AdmitDep, ComparisonDep, ServiceDep, SettingsDep, checked, finished_records
from app.api.openapi import RUN_PARAMETERS
from app.comparison import Comparison
from app.errors import QueryError, problem
from app.lessons import BY_NAME, texts
from app.links import split_query
from app.schemas import RunConfig
from app.settings import Settings
from app.sharing import DEFAULT_OPTIONS, PAGES, THUMBNAIL_WIDTHS, SharedLink, chart_options, oembed, page_key, title

router = APIRouter(tags=["sharing"])
MAX_AGE = 7 * 86400  # a link's picture never changes; a new drawing or engine changes its ETag
RENDERER = f"{picture.VERSION}/{version('matplotlib')}"
KEPT_PICTURES = 64  # ~100 KB each: a class pasting one link into a chat costs one drawing


class Pictures(OrderedDict):
    def keep(self, tag: str, png: bytes) -> None:
        self[tag] = png
        self.move_to_end(tag)
        while len(self) > KEPT_PICTURES:
            self.popitem(last=False)


PICTURES = Pictures()


def base_url(request: Request, settings: Settings) -> str:
    """GDV_PUBLIC_URL, else the request's scheme and host (a trusted proxy's, via uvicorn's
    --proxy-headers and the Host header nginx passes on)."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


def shared_link(request: Request, settings: Settings, path: str, raw_query: str, lang: str) -> SharedLink:
    return SharedLink(base_url(request, settings), path, raw_query, lang)


def etag(comparison: Comparison, drawn: str, lang: str, chart: str = "", width: int = picture.SIZE[0]) -> str:
    """From the canonical link and how it is drawn (``drawn``: its lesson, asked or answered, and
    its loss axis), not the bytes: a 304 needs no training and no drawing."""
    size = f"|{width}" if width != picture.SIZE[0] else ""  # the full size's tag as before
    key = f"{RENDERER}|{comparison.query}|{drawn}|{lang}|{chart}{size}".encode()
    return f'"{hashlib.sha256(key).hexdigest()[:32]}"'


def picture_width(raw: str | None) -> int:
    """``width`` (a thumbnail's): an integer in THUMBNAIL_WIDTHS, else a 422 naming it."""
    if raw is None:
        return picture.SIZE[0]
    low, high = THUMBNAIL_WIDTHS
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise QueryError([problem("width", raw, f"width must be an integer from {low} to {high}", "range")])
    return int(raw)


def lesson_runs(request: Request, comparison: Comparison, lesson: str) -> Comparison:
    """A picture link with a lesson and no run key of its own (hand-written: ``?lesson=learning_rate``)
    draws the lesson's runs, as its page would; the links this app writes carry their run keys."""
    own = any(name in RunConfig.model_fields for name, _ in split_query(request.url.query))
    return checked(request, BY_NAME[lesson].query) if lesson and not own else comparison


def matches(if_none_match: str | None, tag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")}
    return tag in tags or "*" in tags


@router.get("/api/picture", openapi_extra={"parameters": RUN_PARAMETERS}, response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "1200x630 PNG"}, 304: {}})
async def get_picture(request: Request, comparison: ComparisonDep, service: ServiceDep, admit: AdmitDep,
                      if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None):
    """A 1200x630 PNG of the comparison's loss curves for link previews, titled with the
    ``lesson``'s title in ``lang`` (page keys) and drawn as its card opens, else with the
    comparison's title; with the loss axis and smoothing (``logy``, ``smooth``) its page draws;
    ``width`` (200 to 1200) draws it smaller for a thumbnail. The same bytes for the same link.
    With ``chart=wide`` (1000x440), ``medium`` (640x280) or ``narrow`` (390x300): the page's loss chart box."""
    lang = i18n.pick(request.query_params.get("lang"), None)
    chart = request.query_params.get("chart", "")  # the page's chart box: drawn as its live chart
    if chart and chart not in picture_chart.SIZES:
        raise QueryError([problem("chart", chart, f"chart must be one of: {', '.join(picture_chart.SIZES)}", "enum")])
    lesson = request.query_params.get("lesson", "")
    lesson = lesson if lesson in texts() else ""
    comparison = lesson_runs(request, comparison, lesson)
    width = picture_width(request.query_params.get("width"))
    # predict=true: the question before its answer; no curve, no count, nothing trained
    asking = bool(lesson) and request.query_params.get("predict") == "true"
    chart = "" if asking else chart
    # the page's stand-in chart (chart=) is for its default options: linear, each run's own weight
    options = chart_options(request.url.query) if not chart else DEFAULT_OPTIONS
    logy, smoothing = options["logy"], options["smoothing"]
    drawn = lesson + ("?" if asking else ("|logy" if logy else "") + (f"|smooth={smoothing!r}" if smoothing is not None else ""))
    tag = etag(comparison, drawn, lang, chart, picture.SIZE[0] if chart else width)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={MAX_AGE}"}
    if matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    png = PICTURES.get(tag)
    if png is None and asking:
        words = texts()[lesson]
        names = [run["label"] for run in comparison.plan["runs"]]
        png = await run_in_threadpool(picture.render_question, words["title"][lang], words["question"][lang], names, lang,
                                      width)
        PICTURES.keep(tag, png)
    if png is None:
        records = await finished_records(request, service, comparison, admit)
        if records is None:
            return Response(status_code=499)  # nobody reads it
        curves = picture.curves(comparison, records, lang, logy, smoothing)
        if chart:
            png = await run_in_threadpool(picture_chart.render_chart, curves, lang, chart)
        else:
            name = title(comparison, BY_NAME.get(lesson), lang)  # as og:title: the lesson's, else the runs'
            png = await run_in_threadpool(picture.render, name, curves, lang, logy, width)
        if any(rec.status == "failed" for rec in records):  # not the link's lasting picture
            return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
        PICTURES.keep(tag, png)
    return Response(png, media_type="image/png", headers=headers)


def not_found(detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=404)


@router.get("/oembed")
async def get_oembed(request: Request, settings: SettingsDep,
                     url: str = Query(description="a page of this app: / or /embed with its link's keys"),
                     format: str = Query("json", description="json (xml: 501)"),
                     maxwidth: int | None = Query(None, ge=1), maxheight: int | None = Query(None, ge=1),
                     accept_language: Annotated[str | None, Header(include_in_schema=False)] = None):
    """oEmbed 1.0 (type rich): the iframe of /embed for a page's comparison and page keys, at most
    ``maxwidth`` x ``maxheight``, with the comparison's picture as thumbnail."""
    if format != "json":
        return JSONResponse({"detail": f"format={format!r} is not served; use format=json"}, status_code=501)
    base = base_url(request, settings)
    page = urlsplit(url)
    hosts = {urlsplit(base).netloc.lower(), request.url.netloc.lower()}
    if page.scheme not in ("http", "https") or page.netloc.lower() not in hosts:
        return not_found(f"{url} is not a page of this site ({base})")
    path = page.path.removeprefix(urlsplit(base).path.rstrip("/")) or "/"
    if path not in PAGES:
        return not_found(f"{url} is not a page of this app: its pages are {' and '.join(PAGES)}")
    link = shared_link(request, settings, path, page.query, i18n.pick(page_key(page.query, "lang"), accept_language))
    comparison = checked(request, link.comparison_query)  # invalid: 422 naming the key
    return JSONResponse(oembed(link, comparison, maxwidth, maxheight), headers={"Access-Control-Allow-Origin": "*"})
