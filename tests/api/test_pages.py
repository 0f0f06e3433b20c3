"""The workspace and the embed: language, framing, plotly served here, static modules, and each
page's <head> as an unfurler reads it (Open Graph by extruct)."""
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from app.lessons import BY_NAME, DEFAULT_QUERY, LESSONS, texts
from tests.support.previews import head, keys

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


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_the_pages_head_names_the_comparison_with_absolute_og_tags(client, path):
    url = f"http://testserver{path}?batch_size=full,1,100&n_samples=1000&dataset=linear&epochs=20&logy=true&view=loss,fit"
    h = head(client.get(url).text, url)
    assert h["title"] == "Full batch vs SGD vs mini-batch · Gradient descent, visible"
    # nothing trained yet: the planned counts, as the most each run makes
    assert h["description"].startswith("Full batch: up to 20 updates, SGD: up to 20000 updates, mini-batch: up to 200 updates.")
    og = h["og"]
    assert og["og:title"] == "Full batch vs SGD vs mini-batch" and og["og:description"] == h["description"]
    # the canonical link, then every page key in the order the page writes them, commas literal
    assert og["og:url"] == f"http://testserver{path}?{DEFAULT_QUERY}&view=loss,fit&logy=true"
    assert og["og:image"] == f"http://testserver/api/picture?{DEFAULT_QUERY}&logy=true&lang=en"  # its loss axis
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert h["twitter"] == "summary_large_image"
    assert h["oembed"] == [f"http://testserver/oembed?url={quote(og['og:url'], safe='')}&format=json"]


def test_the_head_speaks_the_page_language_and_names_the_lesson(client):
    url = "http://testserver/?lesson=learning_rate&lang=ja"
    h = head(client.get(url).text, url)
    assert h["og"]["og:title"] == texts()["learning_rate"]["title"]["ja"]
    assert h["title"].endswith("· 見える勾配降下法") and "更新 640 回まで" in h["description"]
    lesson = LESSONS[2]
    assert h["og"]["og:url"] == f"http://testserver/?{lesson.query}&lang=ja&lesson=learning_rate"
    assert keys(h["og"]["og:image"]) == {**keys(f"?{lesson.query}"), "lesson": "learning_rate", "lang": "ja"}


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_once_cached_the_description_says_how_each_run_ended_and_a_page_never_trains(client, path):
    service = client.app.state.service
    page = f"http://testserver{path}?lesson=learning_rate"
    assert "learning_rate=0.5: up to 640 updates" in head(client.get(page).text, page)["description"]
    assert service.stats.runs_started == 0  # the page's head asked the cache, it did not train
    runs = client.get(f"/api/history?{LESSONS[2].query}").json()["runs"]
    assert [(run["status"], run["updates"]) for run in runs][-1] == ("diverged", 12)
    words = {"en": "learning_rate=0.02: 640 updates, learning_rate=0.3: 640 updates, learning_rate=0.5: diverged at update 12.",
             "ja": "learning_rate=0.3：更新 640 回、learning_rate=0.5：更新 12 で発散。",
             "pt-BR": "learning_rate=0.5: divergiu na atualização 12.", "zh-CN": "learning_rate=0.5：在第 12 次更新时发散。"}
    for lang, text in words.items():
        h = head(client.get(f"{page}&lang={lang}").text, page)
        assert text in h["description"] and h["og"]["og:description"] == h["description"], lang


def test_an_early_stopped_run_is_kept_so_its_link_says_where_it_stopped(client):
    """The overfitting lesson's early-stopping run ends where it always will: cached like a
    completed run (a second history trains nothing), and the head says where it stopped."""
    service = client.app.state.service
    lesson = next(lesson for lesson in LESSONS if lesson.name == "overfitting")
    runs = client.get(f"/api/history?{lesson.query}").json()["runs"]
    assert runs[-1]["status"] == "stopped" and runs[-1]["updates"] < 1500
    started = service.stats.runs_started
    assert client.get(f"/api/history?{lesson.query}").json()["runs"] == runs
    assert service.stats.runs_started == started
    page = "http://testserver/?lesson=overfitting"
    epoch = runs[-1]["updates"] // 5  # 50 training examples at batch 10: 5 updates an epoch
    assert f"stopped at epoch {epoch}" in head(client.get(page).text, page)["description"]


@pytest.mark.parametrize("query, locale", [("lang=en", "en_US"), ("lang=ja", "ja_JP"), ("lang=pt", "pt_BR"),
                                           ("lang=zh-CN", "zh_CN"), ("batch_size=0&lang=ja", "ja_JP")])
def test_og_locale_is_language_territory_with_the_other_languages_as_alternates(client, query, locale):
    properties = head(client.get(f"/embed?{query}").text, "http://testserver/embed")["og_all"]
    assert [value for name, value in properties if name == "og:locale"] == [locale]
    alternates = [value for name, value in properties if name == "og:locale:alternate"]
    assert sorted(alternates) == sorted({"en_US", "ja_JP", "pt_BR", "zh_CN"} - {locale})


def test_without_keys_the_head_names_the_default_comparison(client):
    h = head(client.get("/").text, "http://testserver/")
    assert h["og"]["og:url"] == f"http://testserver/?{DEFAULT_QUERY}"
    assert "SGD: up to 20000 updates" in h["description"]


def test_an_invalid_link_still_renders_its_page_with_the_apps_title(client):
    r = client.get("/?batch_size=0&learning_rate=lots")
    assert r.status_code == 200 and 'id="errors"' in r.text
    h = head(r.text, "http://testserver/")
    assert h["title"] == "Gradient descent, visible" and h["oembed"] == [] and "og:image" not in h["og"]


def test_the_picture_stands_in_only_where_the_page_draws_what_it_shows(client):
    """The server's picture of a cached comparison is drawn with the default chart options, from
    finished runs: not for a link or lesson card that opens with others (keras_sgd's log axis and
    0.6 smoothing), nor in an embed that waits for Start (its table says "waiting")."""
    keras = BY_NAME["keras_sgd"].query
    for query in (DEFAULT_QUERY, keras):
        assert client.get(f"/api/history?{query}").status_code == 200  # cached
    pictured = lambda url: 'id="chart-picture"' in client.get(url).text  # noqa: E731
    assert pictured(f"/?{DEFAULT_QUERY}") and pictured(f"/embed?{DEFAULT_QUERY}&autoplay=true")
    assert not pictured(f"/embed?{DEFAULT_QUERY}")  # waits for Start
    assert not pictured(f"/?{DEFAULT_QUERY}&logy=true") and not pictured(f"/?{DEFAULT_QUERY}&x=updates")
    assert not pictured("/?lesson=keras_sgd") and not pictured("/embed?lesson=keras_sgd&autoplay=true")
    assert pictured(f"/?{keras}")  # the same runs with the default options
    assert pictured("/?lesson=keras_sgd&logy=false&smooth=")  # the link's own keys over the card's
