"""The workspace (/), the embeddable view (/embed) and plotly.js served from the plotly package.

Each page carries the run schema and the lesson cards as JSON, so the page builds its controls,
parsing and validation from the server's one schema without a request of its own."""
import json
from pathlib import Path

import plotly
from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2.utils import htmlsafe_json_dumps

from app import i18n
from app.api.share import shared_link
from app.api.deps import checked
from app.errors import QueryError
from app.lessons import DEFAULT_QUERY, cards
from app.sharing import head
from app.schemas import VIEWS, run_schema

ROOT = Path(__file__).resolve().parents[2]
templates = Jinja2Templates(directory=ROOT / "templates")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

router = APIRouter(include_in_schema=False)


def page_config(max_runs: int, lang: str) -> str:
    """The page's JSON, keys in the schema's order (Jinja's tojson would sort them)."""
    config = {"schema": run_schema(), "max_runs": max_runs, "default_query": DEFAULT_QUERY, "lessons": cards(lang)}
    return htmlsafe_json_dumps(config, dumps=json.dumps)


def head_of(request: Request, lang: str) -> dict:
    """Title, description, Open Graph and oEmbed discovery; an invalid link (the page shows its
    errors) gets the app's own title."""
    settings = request.app.state.settings
    link = shared_link(request, settings, request.url.path, request.url.query, lang)
    try:
        comparison = checked(link.comparison_query, settings, request.app.state.service)
    except QueryError:
        comparison = None
    return head(link, comparison)


def render(request: Request, template: str, accept_language: str | None) -> HTMLResponse:
    lang = i18n.pick(request.query_params.get("lang"), accept_language)
    return templates.TemplateResponse(request, template, {
        "lang": lang, "languages": i18n.LANGUAGES, "t": i18n.strings(lang),
        "config": page_config(request.app.state.settings.max_runs, lang), "views": VIEWS,
        "head": head_of(request, lang),
    })


@router.get("/", response_class=HTMLResponse)
def workspace(request: Request, accept_language: str | None = Header(default=None)):
    return render(request, "index.html", accept_language)


@router.get("/embed", response_class=HTMLResponse)
def embed(request: Request, accept_language: str | None = Header(default=None)):
    # course pages on any site may frame this view (GuardMiddleware sends frame-ancestors *); no cookies
    return render(request, "embed.html", accept_language)


@router.get("/vendor/plotly.min.js")
def plotly_js():
    return FileResponse(PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})
