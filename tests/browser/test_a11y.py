"""WCAG 2.1 AA in Chromium: axe-core finds no serious or critical violation; keyboard users reach
Start in a few Tab presses and see where the focus is."""
import pytest

from tests.support.browser import on_screen, serious, wait_done

pytestmark = pytest.mark.browser

PAGES = [
    ("workspace-en-desktop", "/", (1440, 900), 3),
    ("workspace-ja-desktop", "/?lang=ja", (1280, 800), 3),
    ("workspace-en-phone", "/", (390, 844), 3),
    ("workspace-ja-phone", "/?lang=ja&lesson=learning_rate", (390, 844), 4),
    ("embed", "/embed?dataset=linear&n_samples=300&epochs=3&batch_size=full,1&autoplay=true&view=loss,landscape", (700, 560), 2),
    ("error-link", "/?epochs=0", (1280, 800), 0),
    ("predict", "/?lesson=batch_size&predict=true", (1280, 800), 0),
]


@pytest.mark.parametrize("name, path, size, runs", PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_or_critical_axe_violation(browser, server, shot, name, path, size, runs):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-US")
    page = context.new_page()
    page.goto(server.url + path)
    if runs:
        wait_done(page, runs)
    elif "epochs=0" in path:
        page.locator("#errors li").first.wait_for()
    else:
        page.locator("#prediction input").first.wait_for()
    assert serious(page) == []
    shot(page, f"a11y-{name}")
    context.close()


@pytest.mark.parametrize("path", ["/", "/embed?batch_size=full&n_samples=50&epochs=1"])
def test_start_is_a_few_tab_presses_away_with_a_visible_focus(page, server, path):
    page.goto(server.url + path)
    page.locator("#start").wait_for()
    for presses in range(1, 16):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "start":
            break
    else:
        pytest.fail("Start is not reached within 15 Tab presses")
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
    assert style[0] != "none" and float(style[1].rstrip("px")) >= 2
    assert contrast(style[2], "rgb(255, 255, 255)") >= 3  # against the page


def luminance(rgb: str) -> float:
    parts = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_every_chart_has_a_text_alternative_with_its_numbers(page, server):
    page.goto(server.url + "/")
    wait_done(page, 3)
    page.wait_for_function("() => /20000 updates/.test(document.getElementById('chart-overlay').getAttribute('aria-label'))")
    label = page.get_attribute("#chart-overlay", "aria-label")
    assert "20 updates" in label and "200 updates" in label and "final training loss" in label and "completed" in label
    for small in page.locator("#chart-runs .chart").all():
        assert "updates" in small.get_attribute("aria-label")


def test_every_view_names_its_numbers(page, server):
    page.goto(server.url + "/?dataset=linear&n_samples=300&epochs=3&batch_size=full,10&validation_split=0.2")
    wait_done(page, 2)
    for view in ("landscape", "fit", "noise", "overfit"):
        on_screen(page, f"[data-view={view}] .chart")  # a view draws once it is on screen
        page.wait_for_function("""v => /\\d/.test(document.querySelector(`[data-view=${v}] .chart`)
            .getAttribute('aria-label') || '')""", arg=view)
        assert "batch_size=10" in page.get_attribute(f"[data-view={view}] .chart", "aria-label")


def test_the_live_chart_is_a_tab_stop_that_names_each_runs_count(page, server):
    """The picture's 'Explore the chart' button was a Tab stop; the live chart that replaces it is
    one too, and its name gives each run's update count (keyboard users lost it once drawn live)."""
    page.goto(server.url + "/?batch_size=full,1&n_samples=120&epochs=2&seed=41")
    wait_done(page, 2)
    page.focus("#start")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "chart-overlay":
            break
    else:
        pytest.fail("the live chart is not reached with Tab")
    label = page.get_attribute("#chart-overlay", "aria-label")
    assert "2 updates" in label and "240 updates" in label
