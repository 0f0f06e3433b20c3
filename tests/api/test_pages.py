import json
import re
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("accept, lang", [
    ("pt-BR,pt;q=0.9", "pt-BR"), ("pt-PT", "pt-BR"), ("ja-JP", "ja"), ("zh-Hans-CN,zh;q=0.8", "zh-CN"),
    ("de-DE,fr;q=0.5", "en"), ("fr;q=0.9, ja;q=0.8", "ja"), (None, "en"), ("en;q=0.1, zh-CN;q=0.9", "zh-CN"),
])
def test_language_from_accept_language(accept, lang):
    assert i18n.pick(None, accept) == lang


def test_lang_key_wins_over_the_header():
    assert i18n.pick("ja", "pt-BR") == "ja"
    assert i18n.pick("xx", "pt-BR") == "pt-BR"


def test_every_string_exists_in_all_four_languages():
    for key, texts in i18n.table().items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(t.strip() for t in texts.values()), key
        placeholders = {re.findall(r"\{\w+\}", t).__len__() for t in texts.values()}
        assert len(placeholders) == 1, f"{key}: placeholders differ between languages"


def test_every_string_the_front_end_asks_for_exists():
    used = set()
    for path in (ROOT / "static" / "js").glob("*.js"):
        used |= set(re.findall(r"\bt\(\"(\w[\w-]*)\"", path.read_text()))
    for path in (ROOT / "templates").glob("*.html"):
        used |= set(re.findall(r"\bt\.(\w+)", path.read_text()))
    assert used and used <= set(i18n.table()), used - set(i18n.table())


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
            if path.is_file():
                assert not re.search(r"cdn\.|unpkg\.com|jsdelivr|cdnjs", path.read_text(errors="ignore")), path


def test_static_modules_are_served(client):
    for name in ("main.js", "state.js", "stream.js", "chart.js", "controls.js", "table.js", "i18n.js"):
        r = client.get(f"/static/js/{name}")
        assert r.status_code == 200 and "javascript" in r.headers["content-type"], name
