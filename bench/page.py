"""Main-thread lag of the page in Debian's chromium while a 600000-update comparison streams in.

A 50 ms interval timer records how late it fires; the worst delay is the longest the page was
unresponsive to input. Measured here, not asserted in tests: machines are shared and noisy.

    make bench            # or: .venv/bin/python bench/page.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from targets import record  # noqa: E402

from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.browser.conftest import CHROMIUM, FLAGS  # noqa: E402
from tests.conftest import serve  # noqa: E402

LINK = "/?dataset=linear&n_samples=60000&epochs=10&batch_size=1,100&seed=11"
TARGET_MS = 500


def main() -> int:
    from playwright.sync_api import sync_playwright

    server, thread, port = serve(create_app(Settings()))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{port}{LINK}")
            page.evaluate("""() => { window.lags = []; let last = performance.now();
                setInterval(() => { const now = performance.now(); window.lags.push(now - last - 50); last = now; }, 50); }""")
            page.wait_for_function("""() => [...document.querySelectorAll('#run-table [data-field=status]')]
                .map(c => c.textContent).join() === 'completed,completed'""", timeout=180000)
            lags = page.evaluate("() => window.lags")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
    worst = max(lags)
    print(f"page lag during a 600000-update stream: worst {worst:.0f} ms over {len(lags)} ticks")
    return 0 if record("page", f"worst main-thread lag < {TARGET_MS} ms (600000 updates)", f"{worst:.0f} ms",
                       worst < TARGET_MS) else 1


if __name__ == "__main__":
    sys.exit(main())
