"""The /embed's height that shows all of it, per width: where app/sharing.py EMBED_HEIGHTS (the
oEmbed iframe's height) comes from. Not part of `make bench` (it trains every lesson, minutes).

For each link and width, the smallest window height at which nothing scrolls: the page
(document.scrollingElement.scrollHeight within the window) and the run table (its box holds all
its rows), once every run has ended (autoplay). Prints each link's heights and the tallest of
the links of up to 4 runs, asked or answered (EMBED_HEIGHTS' first column; the 8-run link's
give its second).

    .venv/bin/python bench/embed_heights.py [en,ja,pt-BR]
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.lessons import LESSONS  # noqa: E402

from support import start_server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (320, 366, 390, 440, 480, 540, 600, 700, 800, 900)
MANY = "lesson=learning_rate&learning_rate=0.0002,0.002,0.02,0.1,0.2,0.3,0.4,0.5"  # 8 runs
LINKS = [*(f"lesson={lesson.name}" for lesson in LESSONS), "batch_size=full,1,100", MANY,
         *(f"lesson={lesson.name}&predict=true" for lesson in LESSONS)]  # the question's card: its choices
ASKED = "() => document.querySelectorAll('#predict-options input').length > 0"
ENDED = """() => { const rows = [...document.querySelectorAll('#run-table tr[data-run]')];
  return rows.length && rows.every(r => ['completed', 'diverged', 'stopped', 'failed'].includes(r.dataset.status)); }"""
SCROLLS = """() => { const page = document.scrollingElement, table = document.querySelector('.table-wrap');
  return page.scrollHeight > innerHeight || table.scrollHeight > table.clientHeight + 1; }"""


def shows_all(page, width: int, height: int) -> bool:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(120)  # the chart's relayout
    return not page.evaluate(SCROLLS)


def smallest_height(page, width: int) -> int:
    low, high = 150, 1600  # low scrolls, high shows all
    while high - low > 4:
        middle = (low + high) // 2
        low, high = (low, middle) if shows_all(page, width, middle) else (middle, high)
    return high


def main() -> int:
    from playwright.sync_api import sync_playwright

    languages = sys.argv[1].split(",") if len(sys.argv) > 1 else ["en", "ja", "pt-BR"]
    proc, url = start_server()
    tallest = dict.fromkeys(WIDTHS, 0)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 900, "height": 800})
            for lang in languages:
                for link in LINKS:
                    page.goto(f"{url}/embed?{link}&autoplay=true&lang={lang}")
                    page.wait_for_function(ASKED if "predict=true" in link else ENDED, timeout=600_000)
                    heights = {width: smallest_height(page, width) for width in WIDTHS}
                    if link != MANY:
                        tallest = {width: max(tallest[width], heights[width]) for width in WIDTHS}
                    print(lang, link, heights, flush=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    print("tallest, up to 4 runs", tallest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
