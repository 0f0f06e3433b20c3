"""The page side of issue 20, checked without timing (bench/lighthouse.py and bench/curves.py
measure it): the table does not wait for plotly, the server's picture stands in the loss chart's
box (never with predict=true) until the student reaches for the chart, then until the live chart
shows every run, nothing moves while the page
loads, and traces are decimated while the downloads keep every update."""
import httpx

from tests.support.browser import SCREENSHOTS, serious, wait_done

LINK = "dataset=linear&n_samples=1000&epochs=3&batch_size=full,1,100"  # SGD: 3000 updates
RUNS = 3
PLOTLY = "**/plotly-cartesian.min*"
# the layout shifts of the page's whole life (as Lighthouse's CLS counts them: not after input)
SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
  .observe({ type: 'layout-shift', buffered: true });"""
LIVE_CURVES = """runs => { const chart = document.getElementById('chart-overlay');
    const drawn = new Set((chart.data || []).filter(t => t.meta && Number.isInteger(t.meta.run) && t.x && t.x.length)
                                            .map(t => t.meta.run));
    return [...Array(runs).keys()].every(i => drawn.has(i)); }"""


def cached(server, link=LINK):
    httpx.get(f"{server.url}/api/history?{link}", timeout=120).raise_for_status()


def test_the_table_fills_in_while_plotly_is_still_loading(page, server):
    held = []
    page.route(PLOTLY, lambda route: held.append(route))  # never answered during the test
    page.goto(f"{server.url}/?{LINK}&epochs=2", wait_until="domcontentloaded")  # not cached: the stream trains it
    page.wait_for_function("""n => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
        return rows.length === n && rows.every(r => r.dataset.status === 'completed'); }""", arg=RUNS, timeout=60000)
    assert page.evaluate("() => typeof window.Plotly") == "undefined" and held
    assert page.locator("#run-table [data-field=total_updates]").all_inner_texts() == ["2", "2000", "20"]
    assert page.locator("#chart-picture").count() == 0  # an uncached comparison has no picture yet
    assert page.errors == []


def test_the_picture_stands_in_until_the_student_reaches_for_the_chart(page, server):
    cached(server)
    page.goto(f"{server.url}/embed?{LINK}&autoplay=true")  # the loss chart alone (no per-run charts on screen)
    picture = page.locator("#chart-overlay #chart-picture")
    # drawn for the chart's box as the live chart (chart=wide), not the 1200x630 link preview
    page.wait_for_function("() => document.getElementById('chart-picture').naturalWidth === 1000", timeout=30000)
    assert picture.get_attribute("width") == "1000" and picture.get_attribute("height") == "440"
    assert "chart=wide" in picture.get_attribute("src")
    alt = picture.get_attribute("alt")
    assert all(name in alt.lower() for name in ("full batch: 3 updates", "sgd: 3000 updates", "mini-batch: 30 updates")), alt
    box, chart = picture.bounding_box(), page.locator("#chart-overlay").bounding_box()
    assert box == chart  # it fills the chart's own box
    # the stream still fills the table; plotly is not fetched while the picture is the whole chart
    page.wait_for_function("""n => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
        return rows.length === n && rows.every(r => r.dataset.status === 'completed'); }""", arg=RUNS, timeout=60000)
    assert page.locator("#run-table [data-field=total_updates]").all_inner_texts() == ["3", "3000", "30"]
    # its bytes are prefetched once the stream has arrived, not run
    page.wait_for_function("() => document.querySelector('link[rel=prefetch][href*=plotly-cartesian]')")
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    assert page.locator("script[src*=plotly-cartesian]").count() == 0
    # the picture is a control that says what it does; a keyboard user reaches the live chart
    explore = page.get_by_role("button", name="Explore the chart: hover values and zoom")
    assert explore.count() == 1 and "sgd: 3000 updates" in explore.inner_text().lower() + alt.lower()
    assert serious(page) == []  # the picture as a button in the chart's box (axe, WCAG 2.1 AA)
    explore.focus()
    page.wait_for_function(LIVE_CURVES, arg=RUNS, timeout=60000)
    page.wait_for_function("() => !document.getElementById('chart-picture')", timeout=30000)
    assert page.evaluate("() => document.activeElement.id") == "chart-overlay"  # focus stays on the chart
    assert page.get_attribute("#chart-overlay", "role") == "img"
    assert page.errors == []


def test_other_chart_options_draw_the_live_chart_at_once(page, server):
    cached(server)
    page.goto(f"{server.url}/?{LINK}&logy=true")  # the picture has a linear loss axis: not this chart
    page.wait_for_function(LIVE_CURVES, arg=RUNS, timeout=60000)
    page.wait_for_function("() => !document.getElementById('chart-picture')", timeout=30000)
    assert page.evaluate("() => document.getElementById('chart-overlay').layout.yaxis.type") == "log"
    assert page.errors == []


def test_a_picture_that_cannot_load_leaves_the_live_chart_to_draw_at_once(page, server):
    cached(server)
    page.route("**/api/picture*", lambda route: route.abort())
    page.goto(f"{server.url}/embed?{LINK}&autoplay=true")
    page.wait_for_function(LIVE_CURVES, arg=RUNS, timeout=60000)  # nobody reached for it
    page.wait_for_function("() => !document.getElementById('chart-picture')", timeout=30000)
    assert page.get_attribute("#chart-overlay", "role") == "img"


def test_no_picture_while_a_prediction_is_asked(page, server):
    name = httpx.get(f"{server.url}/api/lessons").json()["lessons"][0]["name"]
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{server.url}/?lesson={name}&predict=true")
    page.locator("#prediction").wait_for(timeout=30000)
    assert page.locator("#chart-picture").count() == 0
    assert not [url for url in asked if "/api/picture" in url]  # (og:image names it for link previews)


# every run done and the server's picture shown in the chart's box
DONE_AND_PICTURED = """n => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
    const picture = document.getElementById('chart-picture');
    return rows.length === n && rows.every(r => r.dataset.status === 'completed') && picture && picture.naturalWidth > 0; }"""


def test_nothing_moves_while_the_pages_load(sized, server):
    cached(server)
    for path in (f"/?{LINK}", f"/embed?{LINK}&autoplay=true"):
        for width, height in ((1280, 800), (600, 520), (390, 844)):  # 600: a course page's column
            page = sized(width, height)
            page.add_init_script(SHIFTS)
            page.goto(f"{server.url}{path}")
            page.wait_for_function(DONE_AND_PICTURED, arg=RUNS, timeout=60000)
            name = "embed" if "embed" in path else "workspace"
            page.screenshot(path=str(SCREENSHOTS / f"speed-picture-{name}-{width}.png"))  # before anyone reaches for it
            # a phone gets the picture drawn for its narrow box (type the size of the live chart's)
            box = "narrow" if width <= 540 else "medium" if width <= 760 else "wide"
            assert f"chart={box}" in page.evaluate("() => document.getElementById('chart-picture').currentSrc")
            if box != "wide":  # the hint a strip above the picture (a phone's words), not over its title and labels
                hint, img = page.evaluate("""() => { const hint = [...document.querySelectorAll('#chart-explore span')]
                    .find(s => s.offsetParent); return [{ text: hint.textContent, ...hint.getBoundingClientRect().toJSON() },
                    document.getElementById('chart-picture').getBoundingClientRect().toJSON()]; }""")
                words = "Tap to explore the chart" if box == "narrow" else "Explore the chart: hover values and zoom"
                assert hint["text"] == words and hint["bottom"] <= img["top"] + 0.5, (hint, img)
            wait_done(page, RUNS, timeout=60000)
            page.wait_for_timeout(300)  # let a late shift be reported (no timing is asserted)
            shifts = page.evaluate("() => window.__shifts")
            assert sum(shifts) <= 0.1, (path, width, shifts)
            assert page.errors == []


# an element as [tag, sorted attributes, children], whitespace between elements left out (the
# style attribute as the browser reads it: '#0072B2' and 'rgb(0, 114, 178)' are one colour)
STRUCTURE = """el => { const walk = n => n.nodeType === 3 ? (n.textContent.trim() ? n.textContent : null)
    : [n.tagName, [...n.attributes].map(a => a.name + '=' + (a.name === 'style' ? n.style.cssText : a.value)).sort(),
       [...n.childNodes].map(walk).filter(c => c !== null)];
    return walk(el); }"""
# records whether the page's script has drawn the table (replaced the server's rows)
REDRAWN = """window.__redrawn = false; addEventListener('DOMContentLoaded', () => new MutationObserver(() => { window.__redrawn = true; })
    .observe(document.getElementById('run-table'), { childList: true }));"""


def test_the_server_draws_the_rows_the_script_draws_first(sized, server):
    """The table's rows come in the page's HTML (its height is there at the first paint) and are
    exactly those table.js draws from the plan before a run reports: a phone, three languages,
    a lesson with a validation column."""
    for link in (f"{LINK}&lang=ja", "lesson=overfitting", f"{LINK}&lang=pt-BR"):
        page = sized(390, 844)
        page.route("**/api/stream*", lambda route: None)  # held: the table stays at its plan
        page.add_init_script(REDRAWN)
        served = httpx.get(f"{server.url}/?{link}").text
        page.goto(f"{server.url}/?{link}")
        page.wait_for_function("() => window.__redrawn && document.querySelectorAll('#run-table tr[data-run]').length", timeout=30000)
        drawn = page.evaluate(f"() => ({STRUCTURE})(document.getElementById('run-table'))")
        parsed = page.evaluate(f"""html => ({STRUCTURE})(new DOMParser().parseFromString(html, 'text/html')
            .getElementById('run-table'))""", served)
        assert parsed == drawn and len(drawn[2][1][2]) >= 4, link
        assert page.errors == []


def test_traces_are_decimated_and_the_download_keeps_every_update(page, server):
    cached(server)
    page.goto(f"{server.url}/?{LINK}")
    wait_done(page, RUNS, timeout=60000)
    lengths = page.evaluate("""() => document.getElementById('chart-overlay').data
        .filter(t => t.meta && t.meta.run === 1).map(t => t.x.length)""")
    assert lengths and max(lengths) <= 1600, lengths  # theme.js MAX_BUCKETS: a bucket's min and max
    history = httpx.get(server.url + page.locator("#download-json").get_attribute("href")).json()
    sgd = history["runs"][1]
    assert len(sgd["loss"]) == 3000, list(sgd)
