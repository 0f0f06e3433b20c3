"""The workspace (/), the embeddable view (/embed) and the static files (content-hashed URLs,
compressed once; see app/assets.py), plotly.js' partial bundle among them.

Each page carries the run schema and the lesson cards as JSON, so the page builds its controls,
parsing and validation from the server's one schema without a request of its own."""
import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2.utils import htmlsafe_json_dumps

from app import i18n
from app.api.deps import checked
from app.api.share import shared_link
from app.api.table import first_rows
from app.assets import Assets, respond, script_hash
from app.comparison import Comparison
from app.errors import QueryError
from app.lessons import DEFAULT_QUERY, cards
from app.middleware import content_security_policy
from app.picture_chart import SIZES
from app.sharing import DEFAULT_OPTIONS, chart_options, head
from app.schemas import VIEWS, run_schema

ROOT = Path(__file__).resolve().parents[2]
templates = Jinja2Templates(directory=ROOT / "templates")
# a phone: the live chart is narrow (theme.js NARROW_PX 520, the page padded by ~1 rem) and drops its legend
NARROW_MEDIA_PX = 540
# up to here the wide picture would be shown at under ~0.75 of its size: the medium one instead
MEDIUM_MEDIA_PX = 760
PLOTLY_JS = "vendor/plotly-cartesian.min.js"  # see static/vendor/README.md

router = APIRouter(include_in_schema=False)


def page_config(max_runs: int, lang: str, plotly_url: str) -> str:
    """The page's JSON, keys in the schema's order (Jinja's tojson would sort them); `plotly`: the
    hashed URL the page loads plotly from when a chart first draws (static/js/plotly.js)."""
    config = {"schema": run_schema(), "max_runs": max_runs, "default_query": DEFAULT_QUERY, "lessons": cards(lang),
              "plotly": plotly_url}
    return htmlsafe_json_dumps(config, dumps=json.dumps)


def head_of(request: Request, lang: str) -> tuple[dict, Comparison | None, bool]:
    """Title, description, Open Graph and oEmbed discovery; an invalid link (the page shows its
    errors) gets the app's own title. And the comparison (None if invalid), whether it is cached."""
    settings, service = request.app.state.settings, request.app.state.service
    link = shared_link(request, settings, request.url.path, request.url.query, lang)
    try:
        comparison = checked(request, link.comparison_query)
    except QueryError:
        return head(link, None), None, False
    # finished runs already in the cache say how they ended; a page's head never trains
    records = [service.cache.get(cfg) for cfg in comparison.configs]
    return head(link, comparison, records), comparison, all(rec is not None for rec in records)


def placeholder(request: Request, meta: dict, cached: bool) -> dict | None:
    """The server's picture of the curves, shown in the loss chart's box until the live chart has
    drawn (the page needs no plotly to show every run's curve); only for a cached comparison (else
    the picture would wait for the training the live chart shows as it goes), and not when the
    loss chart is not asked for or with predict=true (the curves would answer the card); drawn with
    the default chart options (static/js/chart.js PICTURED), so not for a link or lesson card that
    opens with others (keras_sgd's log axis); and not in an embed that waits for Start (its table
    says "waiting": no finished curves above it)."""
    params = request.query_params
    views = params.get("view")
    if not cached or params.get("predict") == "true" or (views and "loss" not in views.split(",")):
        return None
    if chart_options(request.url.query) != DEFAULT_OPTIONS:
        return None
    if request.url.path == "/embed" and params.get("autoplay") != "true":
        return None
    parts = urlsplit(meta["image"])  # the preview's picture, drawn as the live chart for the chart's box
    src = f"{parts.path}?{parts.query}&chart="
    sources = [{"src": f"{src}{box}", "size": SIZES[box], "media": f"(max-width: {px}px)"}
               for box, px in (("narrow", NARROW_MEDIA_PX), ("medium", MEDIUM_MEDIA_PX))]  # the first that matches
    return {"src": f"{src}wide", "sources": sources, "alt": meta["description"], "size": SIZES["wide"]}


def table_rows(request: Request, comparison: Comparison | None, strings: dict[str, str]) -> dict | None:
    """The run table's rows from the plan (app/api/table.py), drawn before the page's script runs;
    none with predict=true (the table then shows "?" until a choice is made)."""
    if comparison is None or request.query_params.get("predict") == "true":
        return None
    return first_rows(comparison.plan, strings)


def render(request: Request, template: str, accept_language: str | None) -> HTMLResponse:
    """A page: `no-cache` (it names the static files' current hashed URLs), its import map
    allowed by hash in the CSP."""
    lang = i18n.pick(request.query_params.get("lang"), accept_language)
    assets: Assets = request.app.state.assets
    import_map = assets.import_map()
    meta, comparison, cached = head_of(request, lang)
    strings = i18n.strings(lang)
    response = templates.TemplateResponse(request, template, {
        "lang": lang, "languages": i18n.LANGUAGES, "locales": i18n.LOCALES, "t": strings, "table": table_rows(request, comparison, strings),
        "lessons": cards(lang),
        "config": page_config(request.app.state.settings.max_runs, lang, assets.url(PLOTLY_JS)), "views": VIEWS,
        "head": meta, "picture": placeholder(request, meta, cached),
        "static_url": assets.url, "import_map": import_map, "module_preloads": assets.preloads(),
    })
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = content_security_policy(
        embeddable=request.url.path == "/embed", script_hashes=[script_hash(import_map)])
    return response


@router.get("/", response_class=HTMLResponse)
def workspace(request: Request, accept_language: str | None = Header(default=None)):
    return render(request, "index.html", accept_language)


@router.get("/embed", response_class=HTMLResponse)
def embed(request: Request, accept_language: str | None = Header(default=None)):
    # course pages on any site may frame this view (GuardMiddleware sends frame-ancestors *); no cookies
    return render(request, "embed.html", accept_language)


@router.get("/static/{path:path}")
def static_file(request: Request, path: str) -> Response:
    """`/static/<file>` (no-cache, ETag) or `/static/<name>.<hash>.<ext>` (immutable)."""
    found = request.app.state.assets.lookup(path)
    if found is None:
        raise HTTPException(404)
    return respond(*found, request.headers.get("accept-encoding"), request.headers.get("if-none-match"))


@router.get("/vendor/plotly.min.js")
def plotly_js(request: Request) -> Response:
    """The old plain URL of plotly.js, kept for pages and links that name it."""
    asset = request.app.state.assets.get(PLOTLY_JS)
    return respond(asset, False, request.headers.get("accept-encoding"), request.headers.get("if-none-match"))
