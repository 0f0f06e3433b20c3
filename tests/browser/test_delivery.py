"""What the browser loads (issue 20): plotly's partial bundle draws every trace type the page
uses, every request stays on the app's origin, modules load from hashed URLs through the import
map, compressed. Timing is measured in bench/ (lighthouse.py, curves.py), never asserted here."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.browser import explore_chart

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
LINK = "dataset=linear&n_samples=300&epochs=3&batch_size=full,1,30"
PAGES = [f"/?{LINK}", f"/embed?{LINK}&autoplay=true&view=loss,landscape,fit,noise"]
CURVES_VISIBLE = """runs => {
    const chart = document.getElementById('chart-overlay');
    if (!chart || !Array.isArray(chart.data)) return false;
    const drawn = new Set(chart.data.filter(t => t.meta && Number.isInteger(t.meta.run) && t.x && t.x.length)
                                    .map(t => t.meta.run));
    return [...Array(runs).keys()].every(i => drawn.has(i));
}"""


def plotly_trace_types() -> set[str]:
    """Every trace type plotly.js has (the full library), from the plotly Python package."""
    import plotly.basedatatypes as base
    import plotly.graph_objects as go

    return {name.lower() for name in dir(go)
            if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), base.BaseTraceType)}


def page_trace_types() -> set[str]:
    """The trace types the page's scripts name (`type: "contour"`; shapes' `line`, `rect` and
    inputs' `radio` are not trace types)."""
    named = set()
    for path in STATIC_JS.rglob("*.js"):
        named |= set(re.findall(r"""\btype:\s*["'](\w+)["']""", path.read_text()))
    return named & plotly_trace_types()


def test_the_bundle_registers_every_trace_type_the_page_draws(page, server):
    used = page_trace_types()
    assert {"scatter", "contour"} <= used
    page.goto(f"{server.url}{PAGES[1]}")
    explore_chart(page)  # a cached comparison's live chart is drawn when reached for
    page.wait_for_function(CURVES_VISIBLE, arg=3, timeout=60000)
    registered = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
    assert used <= registered, used - registered
    # and what the views actually drew (loss, landscape contour, fit) is registered too; views
    # may draw only once scrolled into view
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    drawn_types = """() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(el => (el.data || []).map(t => t.type || 'scatter'))"""
    page.wait_for_function(f"() => ({drawn_types})().includes('contour')", timeout=30000)
    drawn = set(page.evaluate(drawn_types))
    assert "contour" in drawn and drawn <= registered, drawn - registered
    assert page.errors == []


@pytest.mark.parametrize("path", PAGES)
def test_every_request_stays_on_the_origin_hashed_and_compressed(page, server, path):
    requests = []
    page.on("requestfinished", lambda r: requests.append(r))
    page.goto(f"{server.url}{path}")
    explore_chart(page)  # plotly's requests too: the live chart is drawn when reached for
    page.wait_for_function(CURVES_VISIBLE, arg=3, timeout=60000)
    origin = urlsplit(server.url).netloc
    urls = [r.url for r in requests]
    assert urls and all(urlsplit(u).scheme in ("data", "blob") or urlsplit(u).netloc == origin for u in urls), urls
    statics = [r for r in requests if urlsplit(r.url).path.startswith("/static/")]
    # every script and style came from its content-hashed URL (modules through the import map)
    assert {urlsplit(r.url).path.rsplit("/", 1)[1].split(".")[0] for r in statics} >= {"main", "chart", "app"}
    for r in statics:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", urlsplit(r.url).path), r.url
        headers = r.response().all_headers()
        assert headers["cache-control"] == "public, max-age=31536000, immutable", r.url
        assert headers.get("content-encoding") in ("br", "gzip"), r.url
    assert page.errors == []
