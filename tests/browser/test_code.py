"""The take-home panel (static/js/code.js) in Chromium: Keras | PyTorch, copy and download, in
every language, in the workspace and in an embed, by keyboard, with no axe violation."""
import pytest

from app.i18n import LANGUAGES, strings
from tests.support.browser import explore_chart, serious

pytestmark = pytest.mark.browser

QUERY = "dataset=linear&n_samples=50&epochs=2&batch_size=full,1"


def open_panel(page):
    page.locator("#code-panel summary").click()
    page.wait_for_function("() => document.querySelector('#code-text').textContent.includes('RUNS = [')")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_panel_gives_both_scripts_of_this_comparison_in_every_language(browser, server, shot, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{server.url}/?{QUERY}&lang={lang}")
    text = strings(lang)
    assert page.locator("#code-panel summary").inner_text() == text["code_summary"]
    assert page.locator("#code-text").inner_text() == ""  # nothing fetched while closed
    open_panel(page)
    code = page.locator("#code-text").inner_text()
    assert "keras.callbacks.History()" in code and "'batch_size': 50" in code and "'batch_size': 1" in code
    assert page.locator("#code-download").get_attribute("href").endswith("&framework=keras")

    page.get_by_role("button", name="PyTorch").click()
    page.wait_for_function("() => document.querySelector('#code-text').textContent.includes('import torch')")
    assert page.get_by_role("button", name="PyTorch").get_attribute("aria-pressed") == "true"
    assert page.locator("#code-download").get_attribute("download") == "gradient_descent_pytorch.py"
    page.locator("#code-copy").click()
    page.wait_for_function("t => document.querySelector('#status-message').textContent === t", arg=text["code_copied"])
    assert "torch.set_default_dtype(torch.float64)" in page.evaluate("navigator.clipboard.readText()")
    if lang == "en":
        with page.expect_download() as download:
            page.locator("#code-download").click()
        assert download.value.suggested_filename == "gradient_descent_pytorch.py"
        assert "losses = []" in open(download.value.path(), encoding="utf-8").read()
    shot(page, f"code-panel-{lang}")
    context.close()


def test_the_script_follows_the_comparison_as_it_is_edited(page, server):
    page.goto(f"{server.url}/?{QUERY}")
    open_panel(page)
    page.evaluate("history.replaceState(null, '', '/?dataset=moons&model=mlp&hidden=4&epochs=1')")
    page.reload()
    open_panel(page)
    assert "def make_moons" in page.locator("#code-text").inner_text()


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_the_panel_is_in_the_embed_reachable_by_keyboard_and_accessible(browser, server, shot, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-US")
    page = context.new_page()
    page.goto(f"{server.url}/embed?{QUERY}&lang=pt-BR")
    explore_chart(page)  # the live chart's axes (a cached comparison shows the server's picture until reached for)
    page.wait_for_function("() => document.querySelector('#chart-overlay svg')")
    summary = page.locator("#code-panel summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#code-text').textContent.includes('import keras')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.framework") == "keras"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#code-text').textContent.includes('import torch')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # never sideways
    # the open panel lengthens the embed instead of squeezing the chart's box under its drawing
    page.wait_for_timeout(300)  # Plotly redraws on resize
    assert page.evaluate("""(() => { const box = document.querySelector('#chart-overlay').getBoundingClientRect();
        const svg = document.querySelector('#chart-overlay svg').getBoundingClientRect();
        return svg.bottom <= box.bottom + 1 && box.height >= 300; })()""")
    assert serious(page) == []
    shot(page, f"code-panel-embed-{size[0]}")
    context.close()
