"""Issue 19, the page's forms and table, through the contract's page hooks (section 5): predict keeps
its secret, #settings shows every run, the run table's counts, keyboard focus and invalid fields,
notices for unknown link keys, the embed snippet and the 900x520 embed, and phones in four
languages."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app import i18n
from app.lessons import LESSONS, cards
from tests.support.browser import wait_done

pytestmark = pytest.mark.browser

SIZES = [(1440, 900), (390, 844)]
ROWS = "#run-table tr[data-run]"


def cells(page, col):
    return page.locator(f"#run-table [data-col={col}]").all_inner_texts()


def focused(page):
    return page.evaluate("() => { const e = document.activeElement; return [e.name || e.id || e.tagName, e.dataset.run]; }")


@pytest.mark.parametrize("size", SIZES)
def test_predict_keeps_its_secret_until_a_choice_is_made(sized, server, shot, size):
    page = sized(*size)
    page.goto(server.url + "/?lesson=batch_size&predict=true")
    page.locator("#prediction input[type=radio]").first.wait_for()
    page.locator(ROWS).nth(2).wait_for()
    assert page.locator("#prediction input[type=radio]").count() == 3
    assert page.locator("#prediction input:checked").count() == 0  # no option pre-selected
    assert cells(page, "total_updates") == ["?", "?", "?"]
    assert set(cells(page, "iterations_per_epoch")) == {"?"}
    table = page.inner_text("#run-table")
    assert "20000" not in table and "200\t" not in table and page.locator("#run-table tr.formula").count() == 0
    assert not page.locator("#lesson-text").is_visible()  # the explanation quotes 20, 20000, 200
    assert page.inner_text("#verdict") == ""
    # nothing else tells: the status and progress cells, Start (which would run the comparison),
    # the downloads and the page's closing paragraph (it quotes 20 and 20000 updates)
    assert set(cells(page, "status")) == {"?"} and page.locator("#run-table progress").count() == 0
    assert page.locator(f"{ROWS}[data-status]").count() == 0
    assert page.is_disabled("#start") and page.get_attribute("#start", "title") == "Answer the question first"
    for hidden in ["#download-csv", "#download-json", "#download-png", "#page-intro"]:
        assert not page.locator(hidden).is_visible(), hidden
    assert "20000" not in page.inner_text("body")
    shot(page, f"forms-predict-asking-{size[0]}")
    page.check("#prediction input[value='1']")
    page.get_by_role("button", name="Run and see").click()
    wait_done(page, 3)
    assert page.is_enabled("#start") and page.locator("#download-csv").is_visible()
    assert page.locator("#page-intro").is_visible()
    assert cells(page, "total_updates") == ["20", "20000", "200"]
    page.wait_for_function("() => document.getElementById('verdict').textContent.length > 0")
    assert page.inner_text("#verdict").startswith("Right: batch_size=1")
    assert page.locator("#lesson-text").count() == 1
    assert page.errors == []


def test_duplicate_and_remove_name_their_run(sized, server):
    page = sized(1280, 800, locale="ja-JP")
    page.goto(server.url + "/?batch_size=full,1&n_samples=50&epochs=1&lang=ja")
    page.locator("#settings li.run[data-run='1']").wait_for()
    assert page.get_by_role("button", name="実行 2 を複製").count() == 1
    assert page.get_by_role("button", name="実行 1 を削除").count() == 1
    page.goto(server.url + "/?batch_size=full,1&n_samples=50&epochs=1&lang=en")
    page.get_by_role("button", name="Duplicate run 2", exact=True).wait_for()
    assert page.get_by_role("button", name="Remove run 1", exact=True).count() == 1


def test_a_key_added_to_a_lesson_link_keeps_the_lesson(sized, server):
    page = sized(1280, 800)
    page.goto(server.url + "/?lesson=batch_size&seed=3")
    page.locator(ROWS).nth(2).wait_for()
    assert page.locator(ROWS).count() == 3  # full batch, SGD and batch 100, not one default run
    page.wait_for_url(re.compile(r"batch_size=full,1,100"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["seed"] == ["3"] and query["lesson"] == ["batch_size"] and query["epochs"] == ["20"]
    assert page.input_value("#settings [name=seed]") == "3"
    assert page.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_settings_show_every_run_and_an_edit_changes_one_run(sized, server, shot, size):
    page = sized(*size)
    page.goto(server.url + "/?lesson=batch_norm")
    wait_done(page, 2)
    per_run = page.locator("#settings [name=batch_norm][data-run]")
    assert per_run.count() == 2
    assert page.locator("#settings [name=batch_norm]:not([data-run])").count() == 0
    assert not page.is_checked("#settings [name=batch_norm][data-run='0']")
    assert page.is_checked("#settings [name=batch_norm][data-run='1']")
    # keys every run shares: one control
    assert page.locator("#settings [name=activation]").count() == 1
    assert page.locator("#settings [name=learning_rate]").count() == 1
    # the real data set's size, not "1000"; no control to change it
    size_text = page.inner_text("#settings [name=n_samples]")
    assert "1797" in size_text and "1437" in size_text and "360" in size_text
    assert page.locator("#settings input[name=n_samples]").count() == 0
    shot(page, f"forms-settings-batch-norm-{size[0]}")
    page.locator("#settings [name=batch_norm][data-run='1']").click()  # untick run 2: both without now
    page.wait_for_url(re.compile(r"batch_norm=false"))
    assert focused(page) == ["batch_norm", "1"]  # focus stayed on the edited control
    page.locator(ROWS).nth(1).wait_for()
    assert page.locator(ROWS).count() == 2  # the comparison keeps its two runs
    assert per_run.count() == 2  # and the grid keeps its per-run controls
    page.locator("#settings [name=batch_norm][data-run='0']").click()  # tick run 1: the runs differ again
    page.wait_for_url(re.compile(r"batch_norm=true,false"))
    assert not page.is_checked("#settings [name=batch_norm][data-run='1']")
    lesson = next(item for item in LESSONS if item.name == "batch_norm")
    assert urlsplit(page.url).query.startswith(lesson.query.replace("batch_norm=false,true", "batch_norm=true,false"))
    assert page.errors == []


def test_any_shared_key_can_vary_per_run(sized, server):
    page = sized(1440, 900)
    page.goto(server.url + "/?lesson=batch_size")
    wait_done(page, 3)
    toggle = page.locator("#settings [data-key=learning_rate] button[aria-pressed]")
    toggle.click()
    # the grid redraws on the next frame with the key's per-run controls
    page.wait_for_function("() => document.querySelector('#settings [data-key=learning_rate] button[aria-pressed]')"
                           ".getAttribute('aria-pressed') === 'true'")
    assert focused(page)[0] == "BUTTON"
    lr = page.locator("#settings [name=learning_rate][data-run='2']")
    assert page.locator("#settings [name=learning_rate][data-run]").count() == 3
    lr.fill("0.05")
    lr.press("Enter")
    page.wait_for_url(re.compile(r"learning_rate=0.01,0.01,0.05"))
    assert focused(page) == ["learning_rate", "2"]
    page.locator("#settings [name=epochs]").fill("5")
    page.locator("#settings [name=epochs]").press("Tab")
    page.wait_for_url(re.compile(r"epochs=5&"))
    assert focused(page)[0] == "BUTTON"  # Tab moved on to the key's "per run" toggle, and focus stays there
    page.wait_for_function("n => document.querySelectorAll('#run-table tr[data-run]').length === n", arg=3)
    assert page.locator("#settings [name=learning_rate][data-run]").count() == 3


def test_a_bad_link_value_is_marked_on_its_field_and_long_values_wrap(sized, server, shot):
    page = sized(1440, 900)
    page.goto(server.url + "/?batch_size=full,1&learning_rate=abc&n_samples=" + "1" * 300)
    page.locator("#errors li").first.wait_for()
    for name in ("learning_rate", "n_samples"):
        field = page.locator(f"#settings [name={name}]")
        assert field.get_attribute("aria-invalid") == "true", name
        described = field.get_attribute("aria-describedby")
        assert described and name in page.inner_text(f"#{described}"), name
    assert page.locator("#settings [name=batch_size][aria-invalid=true]").count() == 0
    assert page.input_value("#settings [name=learning_rate]") == "abc"  # the bad text stays visible
    assert page.locator("#downloads").is_hidden()  # nothing to download from a refused link
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    panel = page.locator("#settings").bounding_box()
    for selector in ("#errors", "#settings .field-error"):
        box = page.locator(selector).first.bounding_box()
        assert box["width"] <= 1440, selector
    assert page.evaluate("""() => [...document.querySelectorAll('#settings .field-error')]
        .every(e => e.scrollWidth <= e.clientWidth + 1)""")
    assert panel["x"] + panel["width"] <= 1440
    shot(page, "forms-bad-link")


def test_lists_of_different_lengths_are_named_as_such(sized, server):
    page = sized(1440, 900)
    page.goto(server.url + "/?batch_size=1,2,3&learning_rate=0.1,0.2")
    page.locator("#errors li").first.wait_for()
    assert "lists must have the same length" in page.inner_text("#errors")
    said = page.locator("#errors li").all_inner_texts()
    assert len(said) == len(set(said)), said  # the server names it for both keys: said once
    assert "batch_size=1,2,3&learning_rate=0.1,0.2" in page.url  # the link keeps the user's input
    assert page.locator("#settings [name=learning_rate][aria-invalid=true]").count() >= 1


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_unknown_lesson_lang_and_x_get_a_visible_notice(sized, server, path):
    page = sized(1440, 900)
    page.goto(server.url + path + "?lesson=nope&lang=xx&x=foo&batch_size=full&n_samples=50&epochs=1")
    notices = page.locator("#notices[role=status]")
    notices.wait_for()
    text = notices.inner_text()
    assert "nope" in text and "batch_size" in text  # names the lessons there are
    assert "xx" in text and "pt-BR" in text
    assert "foo" in text and "epochs" in text
    assert page.locator("#notices p").count() == 3
    page.goto(server.url + path + "?lesson=batch_size&lang=ja&x=updates")
    page.locator(ROWS).first.wait_for()
    assert page.locator("#notices").is_hidden()
    # a language the page speaks under another tag: no notice, and links keep it as the page's code
    page.goto(server.url + path + "?lang=zh&batch_size=full&n_samples=50&epochs=1")
    page.locator(ROWS).first.wait_for()
    page.wait_for_function("() => location.search.includes('lang=zh-CN')")
    assert page.locator("#notices").is_hidden() and page.locator("html").get_attribute("lang") == "zh-CN"


def test_embed_snippet_keeps_every_page_key_and_names_the_comparison(sized, server):
    page = sized(1440, 900)
    page.goto(server.url + "/?lesson=learning_rate&predict=true&lang=pt-BR&view=loss,noise&x=updates&logy=true&smooth=0.6")
    page.locator("#prediction input").first.wait_for()
    page.click("#embed-button")
    snippet = page.input_value("#embed-code")
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    keys = parse_qs(urlsplit(src).query)
    expected = {"lesson": "learning_rate", "predict": "true", "lang": "pt-BR", "view": "loss,noise", "x": "updates",
                "logy": "true", "smooth": "0.6", "autoplay": "true"}
    assert {k: keys[k][0] for k in expected} == expected
    lesson = next(c for c in cards("pt-BR") if c["name"] == "learning_rate")
    assert urlsplit(src).query.startswith(lesson["query"])
    title = re.search(r'title="([^"]+)"', snippet).group(1)
    assert lesson["title"] in title
    page.goto(server.url + "/?batch_size=full,1&n_samples=50&epochs=1")
    page.locator(ROWS).nth(1).wait_for()
    page.wait_for_function("() => document.getElementById('embed-code').value.includes('batch_size=1')")
    assert "batch_size=full" in re.search(r'title="([^"]+)"', page.input_value("#embed-code")).group(1)


def test_embed_at_900x520_gives_the_chart_most_of_the_height_and_shows_four_rows(sized, server, shot):
    page = sized(900, 520)
    page.goto(server.url + "/embed?lesson=learning_rate&autoplay=true")
    wait_done(page, 4)
    chart = page.locator("#chart-overlay").bounding_box()
    assert chart["height"] >= 0.5 * 520
    assert page.locator(ROWS).count() == 4
    wrap = page.evaluate("""() => { const w = document.querySelector('#run-table').parentElement;
        return [w.scrollHeight, w.clientHeight, w.getBoundingClientRect().bottom]; }""")
    assert wrap[0] <= wrap[1] + 1  # no inner scroll bar
    assert wrap[2] <= 520
    for row in page.locator(ROWS).all():
        box = row.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 520
    assert page.evaluate("document.documentElement.scrollWidth") <= 900
    shot(page, "forms-embed-900x520")


def test_no_lesson_overflows_a_phone_in_any_language(sized, server, shot):
    """Every lesson x language at 390x844, finished (the real numbers are in the table): nothing
    wider than the screen, and no table header broken inside a word."""
    wide = []
    for lang in i18n.LANGUAGES:
        page = sized(390, 844)
        for lesson in LESSONS:
            page.goto(server.url + f"/?lesson={lesson.name}&lang={lang}")
            page.wait_for_function("""() => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
                return rows.length && rows.every(r => !/pending|running/.test(r.dataset.status)); }""", timeout=30000)
            widths = page.evaluate("""() => [document.documentElement.scrollWidth,
                document.getElementById('run-table').getBoundingClientRect().right,
                ...[...document.querySelectorAll('#run-table thead th')].filter(th => th.offsetParent)
                   .map(th => th.scrollWidth - th.clientWidth)]""")
            if widths[0] > 390 or widths[1] > 390 or any(w > 1 for w in widths[2:]):
                wide.append((lesson.name, lang, widths))
            # where a run holds out validation data, its final validation loss is shown on phones too
            held_out = "validation_split" in lesson.query
            assert page.locator("#run-table td[data-col=final_val_loss]").first.is_visible() == held_out or \
                (not held_out and page.locator("#run-table [data-col=final_val_loss]").count() == 0), lesson.name
            if lesson.name == "keras_sgd":
                shot(page, f"forms-phone-{lesson.name}-{lang}")
    assert wide == []

