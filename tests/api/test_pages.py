import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_workspace_page_renders_in_the_asked_language(client):
    r = client.get("/?lang=ja&batch_size=1")
    assert r.status_code == 200 and '<html lang="ja">' in r.text and "見える勾配降下法" in r.text
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', r.text, re.S)[1])
    assert strings["start"] == "開始"
    r = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert "看得见的梯度下降" in r.text


def test_embed_is_frameable_by_any_site_and_sets_no_cookie(client):
    r = client.get("/embed?batch_size=1&autoplay=true")
    assert "frame-ancestors *" in r.headers["content-security-policy"]
    assert "set-cookie" not in r.headers
    assert "x-frame-options" not in r.headers


def test_plotly_is_served_by_the_app_not_a_cdn(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200 and "plotly" in r.text[:2000].lower()
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            # the vendored plotly bundle too: its geo maps' default CDN is rewritten to the app's own
            # origin (static/vendor/README.md); tests/browser/test_delivery.py checks every request
            if path.is_file() and "screenshots" not in path.parts:
                assert not re.search(r"cdn\.|unpkg\.com|jsdelivr|cdnjs", path.read_text(errors="ignore")), path


def test_static_modules_are_served(client):
    for name in ("main.js", "state.js", "stream.js", "chart.js", "controls.js", "table.js", "i18n.js"):
        r = client.get(f"/static/js/{name}")
        assert r.status_code == 200 and "javascript" in r.headers["content-type"], name
