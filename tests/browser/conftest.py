"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live uvicorn."""
import shutil
from pathlib import Path

import pytest

from app.main import create_app
from app.settings import Settings
from tests.support.browser import SCREENSHOTS, draw_every_chart
from tests.support.servers import LiveServer, serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs Debian's chromium package")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    app = create_app(Settings())
    uv, thread, port = serve(app)
    yield LiveServer(app, port)
    uv.should_exit = True
    thread.join(5)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.fixture
def sized(browser):
    """Pages of a given viewport (and locale), closed after the test."""
    contexts = []

    def make(width, height, locale="en-US", **extra):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **extra)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """A full-page screenshot, each chart drawn first (charts draw only once on screen)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        draw_every_chart(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
