import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.support.browser import RUN_LINES, column, run_traces, wait_done

pytestmark = pytest.mark.browser


def test_default_page_streams_and_draws_three_runs_with_the_lesson_counts(page, server, shot):
    page.goto(server.url + "/")
    wait_done(page, 3)
    assert page.url.endswith("?dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100")
    assert column(page, "total_updates") == ["20", "20000", "200"]
    assert column(page, "iterations_per_epoch") == ["1", "1000", "10"]
    assert column(page, "status") == ["completed"] * 3
    assert "ceil(1000 / 100) = 10" in column(page, "formula")[2]
    progress = page.eval_on_selector_all("#run-table progress", "els => els.map(e => [e.value, e.max])")
    assert progress == [[20, 20], [20000, 20000], [200, 200]]
    # every run is drawn: its line (smoothed, or a full batch's exact loss) reaches its last update (x in epochs by default)
    page.wait_for_function("""() => RUN_LINES(document.getElementById('chart-overlay'))
        .map(t => t.customdata[t.customdata.length - 1][0]).join() === '20,20000,200'""".replace("RUN_LINES", RUN_LINES))
    assert page.locator("#chart-runs .chart").count() == 3
    assert not page.errors
    shot(page, "workspace-default")


def test_editing_controls_updates_the_address(page, server):
    page.goto(server.url + "/")
    wait_done(page, 3)
    epochs = page.get_by_role("spinbutton", name="Epochs")
    epochs.fill("5")
    epochs.press("Enter")
    page.wait_for_url(re.compile(r"epochs=5&"))
    batch = page.locator("#settings [name=batch_size][data-run='1']")
    batch.fill("10")
    batch.press("Enter")
    page.wait_for_url(re.compile(r"batch_size=full,10,100"))
    page.locator("#settings li.run[data-run='2'] button.duplicate").click()
    page.wait_for_url(re.compile(r"batch_size=full,10,100,100"))
    assert "%2C" not in page.url
    wait_done(page, 4)
    assert column(page, "total_updates") == ["5", "500", "50", "50"]


def test_reloading_a_shared_link_reproduces_the_numbers(page, server):
    link = server.url + "/?dataset=moons&n_samples=300&epochs=5&batch_size=full,1,30&validation_split=0.2&model=mlp"
    page.goto(link)
    wait_done(page, 3)
    first = column(page, "final_train_loss") + column(page, "final_val_loss")
    curve = page.evaluate("() => document.getElementById('chart-overlay').data.map(t => t.y)")
    page.reload()
    wait_done(page, 3)
    assert column(page, "final_train_loss") + column(page, "final_val_loss") == first
    assert page.evaluate("() => document.getElementById('chart-overlay').data.map(t => t.y)") == curve
    assert all(v != "—" for v in first)


@pytest.fixture
def other_origin(server):
    """A course page on another origin (another port) that embeds the app in an iframe."""
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp())
    src = f"{server.url}/embed?dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100&autoplay=true"
    (root / "course.html").write_text(
        f'<!doctype html><title>Course</title><h1>Lesson 3</h1>'
        f'<div style="width:700px;height:560px"><iframe src="{src}" style="width:100%;height:100%;border:0"></iframe></div>')
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/course.html"
    httpd.shutdown()


def test_embed_renders_inside_an_iframe_of_another_origin(page, server, other_origin, shot):
    response = page.request.get(server.url + "/embed?batch_size=1")
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "set-cookie" not in response.headers
    page.goto(other_origin)
    frame = page.frame_locator("iframe")
    frame.locator("#run-table [data-field=status]").nth(2).wait_for()
    embedded = page.frames[1]
    wait_done(embedded, 3)
    assert column(embedded, "total_updates") == ["20", "20000", "200"]
    width = embedded.evaluate("() => document.getElementById('chart-overlay').getBoundingClientRect().width")
    assert 600 < width <= 700  # sized to its container
    assert embedded.evaluate("() => document.getElementById('chart-overlay').data.length") >= 9
    assert page.context.cookies() == []
    # what the embed does not show takes no room: the table follows the chart (the hidden run
    # charts, a grid, once left a blank screen between them)
    assert embedded.evaluate("() => [...document.querySelectorAll('[hidden]')].every(e => !e.offsetHeight)")
    gap = embedded.evaluate("""() => document.querySelector('.table-wrap').getBoundingClientRect().top
        - document.getElementById('chart-overlay').getBoundingClientRect().bottom""")
    assert 0 <= gap < 40, gap
    shot(page, "embed-in-course-page")


def test_embed_without_autoplay_waits_for_start(page, server):
    page.goto(server.url + "/embed?batch_size=full&n_samples=100&epochs=2")
    # said once the plan has answered (a request after the page's load): wait for it, not race it
    expect(page.locator("#status-message")).to_have_text("Press Start to train.")
    page.get_by_role("button", name="Start").click()
    wait_done(page, 1)


def test_a_label_from_a_link_is_text_never_html(page, server, shot):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = "<img src=x onerror=alert(1)>"
    page.goto(server.url + f"/?batch_size=full,10&n_samples=100&epochs=2&label={quote(evil)},ok")
    wait_done(page, 2)
    assert evil in column(page, "label")[0]
    assert page.locator("#run-table img, #chart-overlay img, .run img").count() == 0
    # the legend shows it as text: the chart's own text holds the label's characters
    page.wait_for_function("evil => document.getElementById('chart-overlay').textContent.includes(evil)", arg=evil)
    assert page.locator("#settings [name=label][data-run='0']").input_value() == evil
    assert dialogs == []
    shot(page, "label-is-text")


def test_switching_language_changes_the_strings(page, server, browser):
    page.goto(server.url + "/?batch_size=full&n_samples=100&epochs=2")
    assert page.locator("h1").inner_text() == "Gradient descent, visible"
    page.get_by_label("Language").select_option("ja")
    page.wait_for_url(re.compile(r"lang=ja"))
    assert page.locator("h1").inner_text() == "見える勾配降下法"
    assert page.get_by_role("button", name="開始").is_visible()
    wait_done(page, 1)
    assert column(page, "status") == ["完了"]
    context = browser.new_context(extra_http_headers={"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"})
    pt = context.new_page()
    pt.goto(server.url + "/?batch_size=full&n_samples=100&epochs=2")
    assert pt.locator("h1").inner_text() == "Gradiente descendente, visível"
    zh = context.new_page()
    zh.goto(server.url + "/?lang=zh-CN&batch_size=full&n_samples=100&epochs=2")
    assert zh.locator("h1").inner_text() == "看得见的梯度下降"
    context.close()


def test_keyboard_and_phone_width(browser, server, shot):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(server.url + "/?batch_size=full,1&n_samples=2000&epochs=3")
    wait_done(page, 2)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.focus("#start")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "stop"
    wait_done(page, 2)
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(e => !e.labels?.length && !e.getAttribute('aria-label')).map(e => e.id || e.name)""")
    assert unlabeled == []
    shot(page, "phone-width")
    context.close()


MESSY_LINKS = [
    "seed=0&dataset=linear&batch_size=full,1,100&n_samples=1000&epochs=20,20,20",
    "epochs=3&learning_rate=0.10,0.2&momentum=0.0&shuffle=true&n_samples=200&batch_size=10",
    "batch_size=32,32&epochs=2&n_samples=100",
    "label=%E6%97%A5%E6%9C%AC%20%C3%A9,a%2Cb&batch_size=full,5&n_samples=50&epochs=2",
    "n_samples=100&dataset=moons&epochs=2&hidden=016x4&model=mlp",
]


@pytest.mark.parametrize("messy", MESSY_LINKS)
def test_the_page_link_is_the_servers_canonical_query(page, server, messy):
    canonical = page.request.get(f"{server.url}/api/plan?{messy}").json()["query"]
    page.goto(f"{server.url}/?{messy}&lang=en")
    page.wait_for_url(re.compile(re.escape(canonical)))
    assert page.url == f"{server.url}/?{canonical}&lang=en"
    runs = page.request.get(f"{server.url}/api/plan?{canonical}").json()["runs"]
    assert len(runs) == len(page.request.get(f"{server.url}/api/plan?{messy}").json()["runs"])
    wait_done(page, len(runs))


def test_state_module_parses_links_and_keeps_the_run_count(page, server):
    page.goto(server.url + "/embed?batch_size=full")
    result = page.evaluate("""async () => {
        const s = await import('/static/js/state.js');
        const q = 'dataset=moons&n_samples=300&epochs=5&batch_size=full,1,30&learning_rate=0.1&label=a%20b,c%2Cd,e&lang=ja';
        const parsed = s.parseQuery('?' + q);
        const same = s.parseQuery('?' + s.runsQuery(parsed.runs));
        return { n: parsed.runs.length, second: parsed.runs[1], page: parsed.page, back: same.runs,
                 twins: s.parseQuery('?' + s.runsQuery([{batch_size: '32'}, {batch_size: '32'}])).runs.length,
                 linked: s.withPage('dataset=linear', { lang: 'ja', autoplay: 'true' }) };
    }""")
    assert result["n"] == 3 and result["page"] == {"lang": "ja"}
    assert result["second"]["batch_size"] == "1" and result["second"]["label"] == "c,d"
    assert result["back"][1] == result["second"] and len(result["back"]) == 3
    assert result["twins"] == 2
    assert result["linked"] == "dataset=linear&lang=ja&autoplay=true"


def test_every_control_takes_its_bounds_options_and_default_from_the_schema(page, server):
    from app.links import value_text

    schema = page.request.get(server.url + "/api/schema").json()
    page.goto(server.url + "/?batch_size=full&n_samples=50&epochs=1")
    # the grid is drawn by the frame scheduler, in its turn after the page's first frames
    page.wait_for_function("n => new Set([...document.querySelectorAll('#settings [name]')].map(e => e.name)).size === n",
                           arg=len(schema["properties"]))
    controls = page.evaluate("""() => [...document.querySelectorAll('#settings [name]')].map(e => ({
        name: e.name, tag: e.tagName, type: e.type, min: e.getAttribute('min'), max: e.getAttribute('max'),
        step: e.getAttribute('step'), pattern: e.getAttribute('pattern'), def: e.dataset.default,
        options: e.tagName === 'SELECT' ? [...e.options].map(o => o.value) : null }))""")
    assert {c["name"] for c in controls} == set(schema["properties"])
    for c in controls:
        prop = schema["properties"][c["name"]]
        members = [m for m in prop.get("anyOf", [prop]) if m.get("type") != "null" and "const" not in m]
        main = members[0]
        optional = any(m.get("type") == "null" for m in prop.get("anyOf", []))
        assert c["def"] == value_text(prop["default"]), c
        if "enum" in main:
            assert c["options"] == ([""] if optional else []) + main["enum"], c
        elif main["type"] in ("integer", "number"):
            low = main.get("minimum", main.get("exclusiveMinimum"))
            high = main.get("maximum", main.get("exclusiveMaximum"))
            assert (float(c["min"]) if c["min"] else None) == low, c
            assert (float(c["max"]) if c["max"] else None) == high, c
            assert c["step"] == str(prop["x-step"]), c
        elif main["type"] == "string" and "pattern" in main:
            assert c["pattern"] == main["pattern"], c
    # no table of keys, bounds or defaults lives in the page's scripts
    for name in ("state.js", "controls.js", "main.js"):
        text = page.request.get(f"{server.url}/static/js/{name}").text()
        assert "n_samples" not in text and "learning_rate" not in text and "0.01" not in text, name


def test_the_lesson_menu_lists_every_lesson(page, server):
    page.goto(server.url + "/?batch_size=full&n_samples=50&epochs=1")
    names = page.eval_on_selector_all("#lesson-select option", "os => os.map(o => o.value).filter(Boolean)")
    from app.lessons import LESSONS
    assert names == [lesson.name for lesson in LESSONS]


def test_a_run_of_600000_updates_streams_whole_and_is_drawn_decimated(page, server):
    # how responsive the page stays meanwhile is measured in bench/page.py, not asserted here
    page.goto(server.url + "/?dataset=linear&n_samples=60000&epochs=10&batch_size=1,100&seed=11")
    wait_done(page, 2, timeout=120000)
    assert column(page, "total_updates") == ["600000", "6000"]
    progress = page.eval_on_selector_all("#run-table progress", "els => els.map(e => e.value)")
    assert progress == [600000, 6000]
    shown = len(run_traces(page, "loss")[0]["x"])
    assert shown <= 2000  # decimated for display; the CSV still has every update
    csv = page.request.get(server.url + "/api/history?dataset=linear&n_samples=60000&epochs=10&batch_size=1,100&seed=11&format=csv")
    assert csv.text().count("\n") == 1 + 600000 + 6000 + 2  # header, updates, the two initial evaluations


def test_copy_link_embed_snippet_and_downloads(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server.url + "/?batch_size=full,10&n_samples=100&epochs=2")
    wait_done(page, 2)
    page.get_by_role("button", name="Copy link").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    expect(page.locator("#status-message")).to_have_text("Link copied")  # said once the clipboard answered
    page.get_by_role("button", name="Embed").click()
    snippet = page.locator("#embed-code").input_value()
    assert snippet.startswith("<iframe src=\"" + server.url + "/embed?") and "batch_size=full,10" in snippet
    assert "autoplay=true" in snippet
    csv_href = page.get_attribute("#download-csv", "href")
    assert page.request.get(server.url + csv_href).text().startswith("run,label,update")
    json_href = page.get_attribute("#download-json", "href")
    assert len(page.request.get(server.url + json_href).json()["runs"]) == 2
    with page.expect_download() as info:
        page.locator("#download-png").click()
    assert info.value.suggested_filename.endswith(".png")


def test_stop_marks_unfinished_runs_stopped(page, server):
    # an MLP at batch size 1 trains ~10 s here: long enough that Stop always lands mid-run,
    # however fast the machine (a linear run of 1M updates had finished in 1.4 s)
    page.goto(server.url + "/?dataset=moons&n_samples=100000&epochs=10&batch_size=1&model=mlp&hidden=64x64&seed=5")
    page.wait_for_function("() => document.querySelector('#run-table progress')?.value > 0")
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => document.querySelector('#run-table tr[data-run]').dataset.status === 'stopped'")
    assert re.fullmatch(r"stopped at update \d+", column(page, "status")[0])  # where the user stopped it
    expect(page.locator("#status-message")).to_have_text("stopped")  # the status line too, not "running"


def test_every_run_trace_carries_meta_run_and_helpers_do_not(page, server):
    page.goto(server.url + "/?learning_rate=0.001,10&batch_size=full&n_samples=100&epochs=50")
    wait_done(page, 2)
    page.wait_for_function("() => document.getElementById('chart-overlay').data.some(t => /diverged/.test(t.name))")
    traces = page.evaluate("""() => document.getElementById('chart-overlay').data
        .map(t => ({ name: t.name, run: t.meta ? t.meta.run : null }))""")
    runs = [t for t in traces if t["run"] is not None]
    assert {t["run"] for t in runs} == {0, 1}
    assert all(t["name"].startswith(f"learning_rate={'0.001' if t['run'] == 0 else '10'}") for t in runs)
    assert [t for t in traces if "diverged" in t["name"]][0]["run"] is None  # a helper marker
