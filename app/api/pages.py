"""The workspace (/), the embeddable view (/embed) and plotly.js served from the plotly package."""
from pathlib import Path

import plotly
from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app import i18n

ROOT = Path(__file__).resolve().parents[2]
templates = Jinja2Templates(directory=ROOT / "templates")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, accept_language: str | None) -> HTMLResponse:
    lang = i18n.pick(request.query_params.get("lang"), accept_language)
    return templates.TemplateResponse(request, template, {
        "lang": lang, "languages": i18n.LANGUAGES, "t": i18n.strings(lang),
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
