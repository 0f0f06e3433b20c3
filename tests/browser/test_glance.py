"""The lesson at a glance, on laptops and a phone: first viewport, readable curves, kept axes,
compute time, the link reproducing the picture, lesson cards and predict-then-run."""
import re

import pytest

from app import i18n
from app.lessons import LESSONS, texts
from tests.support.browser import RUN_LINES, SCREENSHOTS, column, wait_done

pytestmark = pytest.mark.browser

DESKTOPS = [(1440, 900), (1280, 800)]
PHONE = (390, 844)
LR = next(lesson for lesson in LESSONS if lesson.name == "learning_rate")


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_chart_and_update_counts_fill_the_first_desktop_viewport(sized, server, shot):
    page = sized(1440, 900)
    page.goto(server.url + "/")
    wait_done(page, 3)
    chart = box(page, "#chart-overlay")
    assert chart["y"] >= 0 and chart["y"] + chart["height"] <= 900
    for cell in page.locator("#run-table [data-field=total_updates]").all():
        b = cell.bounding_box()
        assert b["y"] + b["height"] <= 900, "an update count is below the fold"
    assert column(page, "total_updates") == ["20", "20000", "200"]
    assert not page.errors
    shot(page, "glance-1440x900")


def test_on_a_phone_the_chart_comes_first(sized, server, shot):
    page = sized(*PHONE, is_mobile=True, has_touch=True)
    page.goto(server.url + "/?lesson=learning_rate")
    wait_done(page, 4)
    chart = box(page, "#chart-overlay")
    assert chart["y"] < PHONE[1] * 0.8  # the chart starts on the first screen
    assert box(page, ".panel")["y"] > chart["y"]  # the settings come after it
    page.screenshot(path=str(SCREENSHOTS / "glance-phone-first-screen.png"))  # what the first screen shows
    shot(page, "glance-phone")


def end_label_boxes(page, pattern: str, runs: int) -> list[list[float]]:
    """The loss chart's end labels (its texts matching ``pattern``) once there are ``runs`` of them:
    each one's room to the chart's left and right edges, and its top and bottom."""
    labels = f"[...document.getElementById('chart-overlay').querySelectorAll('text')].filter(e => /{pattern}/.test(e.textContent))"
    page.wait_for_function(f"() => {labels}.length === {runs}")
    return page.evaluate(f"""() => {{ const r = document.getElementById('chart-overlay').getBoundingClientRect();
        return {labels}.map(a => {{ const b = a.getBoundingClientRect();
          return [b.left - r.left, r.right - b.right, b.top, b.bottom]; }}); }}""")


def test_on_a_phone_end_labels_stay_on_the_chart_and_words_stay_whole(sized, server, shot):
    page = sized(*PHONE, is_mobile=True, has_touch=True)
    page.goto(server.url + "/?lesson=learning_rate")
    wait_done(page, 4)
    boxes = end_label_boxes(page, r"( · \d+ updates|diverged at update)", 4)
    assert min(min(left, right) for left, right, _, _ in boxes) >= 0, boxes  # the diverged run's label ran off the right edge
    layout = page.evaluate("() => document.getElementById('chart-overlay').layout")
    assert layout["showlegend"] is False  # the end labels name the runs; a legend squashed the curves
    assert any("<br>diverged at update" in a["text"] for a in layout["annotations"])
    cells = page.evaluate("""() => [...document.querySelectorAll('#run-table th, #run-table td')]
        .filter(c => c.offsetParent && !c.closest('tr.formula'))
        .map(c => [c.textContent, getComputedStyle(c).overflowWrap, c.scrollWidth - c.clientWidth])""")
    for text, wrap, overflow in cells:
        assert overflow <= 0, text
        assert wrap == "normal" or text.startswith("learning_rate="), (text, wrap)  # no "complet-ed"
    assert column(page, "label")[0].startswith("learning_rate=0.0002")  # <wbr> adds no text
    shot(page, "glance-phone-labels")


def test_in_a_narrow_embed_long_run_names_wrap_inside_the_chart(sized, server, shot):
    """keras_sgd's runs are named by their settings (53 characters with the count): at 320 px
    each label is wrapped to the plot, no longer run past both edges and into each other."""
    page = sized(320, 700, is_mobile=True, has_touch=True)
    page.goto(server.url + "/embed?lesson=keras_sgd&autoplay=true")
    wait_done(page, 4)
    boxes = end_label_boxes(page, "updates$", 4)
    assert all(left >= 0 and right >= 0 for left, right, _, _ in boxes), boxes
    spans = sorted((top, bottom) for _, _, top, bottom in boxes)
    assert all(below[0] >= above[1] - 1 for above, below in zip(spans, spans[1:])), spans  # none covers another
    texts_ = [a["text"] for a in page.evaluate("() => document.getElementById('chart-overlay').layout.annotations")]
    assert any("decay=0.01<br>160 updates" in text for text in texts_), texts_
    shot(page, "embed-320-keras-sgd-labels")


def test_a_chart_that_becomes_narrow_redraws_as_a_phone_chart(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/?lesson=learning_rate")
    wait_done(page, 4)
    assert page.evaluate("() => document.getElementById('chart-overlay').layout.showlegend") is True
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})  # a window narrowed, a phone turned
    page.wait_for_function("() => document.getElementById('chart-overlay').layout.showlegend === false")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function("() => document.getElementById('chart-overlay').layout.showlegend === true")


@pytest.mark.parametrize("size", [*DESKTOPS, PHONE])
def test_nothing_overflows_sideways(sized, server, size):
    page = sized(*size)
    page.goto(server.url + "/?lesson=learning_rate")
    wait_done(page, 4)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1


def test_every_curve_spans_a_quarter_of_the_x_axis_and_carries_its_update_count(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/")
    wait_done(page, 3)
    spans = page.evaluate("""() => { const el = document.getElementById('chart-overlay');
        const [lo, hi] = el.layout.xaxis.range;
        return RUN_LINES(el).map(t => (Math.max(...t.x) - Math.min(...t.x)) / (hi - lo)); }""".replace("RUN_LINES", RUN_LINES))
    assert len(spans) == 3 and min(spans) >= 0.25, spans
    labels = page.evaluate("() => document.getElementById('chart-overlay').layout.annotations.map(a => a.text)")
    assert sorted(labels) == sorted(["full batch · 20 updates", "SGD · 20000 updates", "mini-batch · 200 updates"])


def test_a_diverged_run_is_marked_and_keeps_the_axes(sized, server, shot):
    page = sized(1440, 900)
    page.goto(server.url + f"/?{LR.query}")
    wait_done(page, 4)
    runs = page.request.get(f"{server.url}/api/history?{LR.query}").json()["runs"]
    calm = max(max(x for x in r["loss"] if x is not None) for r in runs if r["status"] != "diverged")
    top = page.evaluate("() => document.getElementById('chart-overlay').layout.yaxis.range[1]")
    assert top <= 10 * calm
    assert page.get_by_text(re.compile("diverged at update")).first.is_visible()
    notes = page.evaluate("() => document.getElementById('chart-overlay').layout.annotations.map(a => a.text)")
    assert any("diverged at update" in n for n in notes)
    shot(page, "glance-diverged")


def test_compute_time_is_each_runs_own_and_an_x_axis_choice(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/?dataset=linear&n_samples=500&epochs=4&batch_size=full,1")
    wait_done(page, 2)
    times = column(page, "seconds")
    assert all(re.fullmatch(r"\d+\.\d{3} s", t) for t in times), times
    page.select_option("#x-mode", "seconds")
    page.wait_for_url(re.compile(r"x=seconds"))
    page.wait_for_function("""() => document.getElementById('chart-overlay').layout.xaxis.title.text
        === 'seconds of compute'""")


def test_predicted_seconds_show_before_a_run_starts(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/embed?dataset=linear&n_samples=500&epochs=4&batch_size=full,1")
    page.locator("#run-table [data-field=seconds]").first.wait_for()
    assert all(t.startswith("≈") and "predicted" in t for t in column(page, "seconds"))


def test_the_link_reproduces_the_picture(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/?dataset=linear&n_samples=300&epochs=3&batch_size=full,10&x=updates&logy=true&smooth=0.5")
    wait_done(page, 2)
    assert page.input_value("#x-mode") == "updates" and page.is_checked("#log-y")
    layout = page.evaluate("() => document.getElementById('chart-overlay').layout.yaxis.type")
    assert layout == "log"
    page.select_option("#x-mode", "examples")
    page.wait_for_url(re.compile(r"x=examples"))
    page.check("#log-x")
    page.wait_for_url(re.compile(r"logx=true"))
    assert "logy=true" in page.url and "smooth=0.5" in page.url
    assert page.request.get(f"{server.url}/api/plan?{page.url.split('?')[1]}").status == 200  # the API ignores them
    # a chosen weight shows with a way back to auto; auto is said once (not "auto auto")
    assert page.inner_text("#smoothing-value") == "0.50" and page.is_visible("#smooth-auto")
    page.click("#smooth-auto")
    page.wait_for_url(lambda url: "smooth=" not in url)
    assert page.inner_text("#smoothing-value") == "auto" and page.is_hidden("#smooth-auto")


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_lesson_card_renders_in_every_language(sized, server, lang, shot):
    page = sized(1280, 800)
    for lesson in LESSONS:
        page.goto(server.url + f"/embed?lesson={lesson.name}&lang={lang}")
        page.locator("#lesson-title").wait_for()
        assert page.inner_text("#lesson-title") == texts()[lesson.name]["title"][lang]
        assert page.text_content("#lesson-text") == texts()[lesson.name]["text"][lang]  # folded in an embed
        # the address bar takes the server's canonical link once the plan answers
        page.wait_for_function("q => location.search.slice(1).startsWith(q)", arg=lesson.query)
    shot(page, f"lesson-card-{lang}")


def test_predict_then_run_says_which_answer_was_right(sized, server, shot):
    page = sized(1280, 800)
    page.goto(server.url + "/?lesson=batch_size&predict=true")
    page.locator("#prediction input[type=radio]").first.wait_for()
    assert page.evaluate("() => (document.getElementById('chart-overlay').data || []).length") == 0  # no curves yet
    page.check("#prediction input[value='1']")  # SGD
    page.get_by_role("button", name="Run and see").click()
    wait_done(page, 3)
    page.wait_for_function("() => document.getElementById('verdict').textContent.length > 0")
    result = page.inner_text("#verdict")
    assert result.startswith("Right: batch_size=1") and "20000 updates" in result
    shot(page, "predict-right")
    page.goto(server.url + "/embed?lesson=iterations&predict=true")
    page.check("#prediction input[value='6000']")
    page.get_by_role("button", name="Run and see").click()
    page.wait_for_function("() => document.getElementById('verdict').textContent.length > 0", timeout=60000)
    assert page.inner_text("#verdict").startswith("Not quite: the answer is 600")


def test_without_a_prediction_the_card_still_gives_its_question_and_the_measured_answer(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/?lesson=batch_size")
    wait_done(page, 3)
    page.wait_for_function("() => document.getElementById('verdict').textContent.length > 0")
    said = page.inner_text("#verdict")
    lessons = page.request.get(server.url + "/api/lessons").json()["lessons"]
    question = next(lesson["question"] for lesson in lessons if lesson["name"] == "batch_size")
    assert said.startswith(question + " Answer: batch_size=1.") and "20000 updates" in said


# the run table's box (the region around #run-table), every status cell within it and whole
NARROW_TABLE = """() => { const box = document.getElementById('run-table').parentElement, b = box.getBoundingClientRect();
    const cells = [...document.querySelectorAll('#run-table tr[data-run] [data-col=status]')].map(cell => {
      const text = document.createRange(); text.selectNodeContents(cell);
      const t = text.getBoundingClientRect(), c = cell.getBoundingClientRect();
      return { text: cell.textContent, shown: cell.checkVisibility(), clipped: cell.scrollWidth > cell.clientWidth + 1,
               inside: t.left >= b.left - 1 && t.right <= b.right + 1 && c.left >= b.left - 1 && c.right <= b.right + 1 }; });
    return { scroll: box.scrollWidth, client: box.clientWidth, cells }; }"""


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("lesson", ["learning_rate", "keras_sgd"])
def test_a_narrow_embed_shows_its_whole_run_table_without_sideways_scrolling(sized, server, lesson, lang):
    """An oEmbed iframe 320-480 px wide (366 at maxwidth=366): the table fits, labels and the status
    wrap, so "diverged at update 12" is read whole, not cut at the box's edge (review: 460 px of
    table scrolled in 353)."""
    page = sized(366, 660, locale="ja-JP" if lang == "ja" else "en-US")
    page.goto(server.url + f"/embed?lesson={lesson}&autoplay=true&lang={lang}")
    wait_done(page, 4, timeout=120_000)
    for width in (320, 366, 480):
        page.set_viewport_size({"width": width, "height": 660})
        # nor the page, once the chart has followed the width (its resize waits a moment)
        page.wait_for_function("() => document.documentElement.scrollWidth <= innerWidth + 1")
        table = page.evaluate(NARROW_TABLE)
        assert table["scroll"] <= table["client"] + 1, (width, table)
        assert len(table["cells"]) == 4
        for cell in table["cells"]:
            assert cell["shown"] and not cell["clipped"] and cell["inside"], (width, cell)
        if width == 366:
            page.screenshot(path=str(SCREENSHOTS / f"embed-narrow-{lesson}-{lang}-366x660.png"))
    if lesson == "learning_rate":  # the diverged run's status, whole
        assert page.get_attribute("#run-table tr[data-run='3']", "data-status") == "diverged"
        assert table["cells"][3]["text"] == i18n.strings(lang)["status_diverged"].format(k=12)
    assert not page.errors
