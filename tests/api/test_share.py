"""Link previews and oEmbed as the outside world reads them: pages parsed by an Open Graph
extractor (extruct, tests/support/previews.py; the pages' own <head> tests are in
tests/api/test_pages.py), oEmbed resolved by a real consumer (micawber) against a live uvicorn,
the picture fetched and looked at."""
import io
from urllib.parse import quote, urlsplit
from urllib.request import Request

import lxml.html
import micawber
import micawber.providers
import numpy as np
import pytest
from PIL import Image

from app import picture
from app.api.share import PICTURES
from app.lessons import BY_NAME, DEFAULT_QUERY, texts
from tests.support.previews import head, keys

HOSTILE = '"><script>alert(1)</script>'
HOSTILE_LINK = f"batch_size=full,1&label={quote(HOSTILE, safe='')},b&view=loss,fit&lang=en"


def test_a_question_asked_first_is_not_answered_by_the_preview(client):
    h = head(client.get("/?lesson=batch_size&predict=true").text, "http://testserver/")
    assert "20000" not in h["description"] and h["description"].endswith("?")
    # its picture is the question: no curve drawn, and nothing trained to draw it
    image = urlsplit(h["og"]["og:image"])
    assert keys(h["og"]["og:image"])["predict"] == "true"
    before = client.app.state.service.stats.runs_started
    r = client.get(f"{image.path}?{image.query}")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (1200, 630)
    assert client.app.state.service.stats.runs_started == before
    answered = client.get(f"{image.path}?{image.query.replace('&predict=true', '')}")
    plot = lambda png: np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))  # noqa: E731
    blue = [int(picture.COLORS[0][i:i + 2], 16) for i in (1, 3, 5)]
    # the answered picture draws the full-batch curve in its colour; the question only a short key line
    assert np.all(plot(answered.content) == blue, axis=-1).sum() > 3 * np.all(plot(r.content) == blue, axis=-1).sum()
    assert r.headers["etag"] != answered.headers["etag"]


def test_a_hostile_label_is_plain_text_in_every_tag(client):
    r = client.get(f"/?{HOSTILE_LINK}")
    head_html = r.text.split("</head>")[0]
    assert "<script>alert" not in head_html
    h = head(r.text, "http://testserver/")
    assert HOSTILE in h["title"] and HOSTILE in h["og"]["og:title"] and HOSTILE in h["description"]
    assert keys(h["og"]["og:url"])["label"] == f"{HOSTILE},b"
    oembed = client.get("/oembed", params={"url": h["og"]["og:url"]}).json()
    iframe = lxml.html.fragment_fromstring(oembed["html"])
    assert iframe.tag == "iframe" and len(iframe) == 0 and HOSTILE in iframe.get("title")
    assert "<script>" not in oembed["html"] and keys(iframe.get("src"))["label"] == f"{HOSTILE},b"


def test_public_url_makes_every_absolute_link(make_client):
    client = make_client(public_url="https://gd.example.edu/")
    h = head(client.get("/embed?batch_size=1").text, "https://gd.example.edu/embed")
    assert h["og"]["og:url"].startswith("https://gd.example.edu/embed?")
    assert h["og"]["og:image"].startswith("https://gd.example.edu/api/picture?")
    r = client.get("/oembed", params={"url": "https://gd.example.edu/?batch_size=1"})
    assert r.status_code == 200 and r.json()["thumbnail_url"].startswith("https://gd.example.edu/api/picture?")


def test_oembed_answers_with_an_iframe_of_the_embed_within_the_asked_size(client):
    page = f"http://testserver/?{DEFAULT_QUERY}&lesson=batch_size&x=updates&lang=pt-BR&view=loss,fit"
    r = client.get("/oembed", params={"url": page, "format": "json", "maxwidth": 450})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["provider_name"] == "Gradiente descendente, visível" and data["provider_url"] == "http://testserver/"
    assert (data["width"], data["height"]) == (450, 580)  # the embed's whole height at 450 px
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (450, 236)  # the picture drawn that size
    assert keys(data["thumbnail_url"])["width"] == "450"
    iframe = lxml.html.fragment_fromstring(data["html"])
    src = iframe.get("src")
    # as the page's Embed control: autoplay=true, then the link's own keys
    assert src == f"http://testserver/embed?{DEFAULT_QUERY}&lang=pt-BR&autoplay=true&view=loss,fit&x=updates&lesson=batch_size"
    assert iframe.get("title") == data["title"] == "Tamanho do lote: lote completo, SGD e minilote"
    assert (iframe.get("width"), iframe.get("height")) == ("450", "580")
    assert keys(data["thumbnail_url"])["lang"] == "pt-BR"


class Speaking(micawber.Provider):
    """micawber's consumer on a server that sends Accept-Language (its fetch, one header more)."""

    def __init__(self, endpoint: str, language: str):
        super().__init__(endpoint, timeout=30)
        self.language = language

    def fetch(self, url):
        return micawber.providers.fetch(Request(url, headers={"User-Agent": self.user_agent,
                                                              "Accept-Language": self.language}), self.socket_timeout)


def test_an_answer_in_the_consumers_language_embeds_the_page_in_it(live_server):
    """A consumer asking in Japanese gets a Japanese title and thumbnail, and an iframe that says
    lang=ja (else each viewer's browser would pick); a link's own lang is kept as it is."""
    server = live_server()
    provider = micawber.Provider(f"{server.url}/oembed")
    data = Speaking(f"{server.url}/oembed", "ja,en;q=0.5").request(f"{server.url}/?lesson=learning_rate&x=updates")
    assert data["title"] == texts()["learning_rate"]["title"]["ja"] and keys(data["thumbnail_url"])["lang"] == "ja"
    src = keys(lxml.html.fragment_fromstring(data["html"]).get("src"))
    assert src["lang"] == "ja" and src["lesson"] == "learning_rate" and src["x"] == "updates"
    own = provider.request(f"{server.url}/embed?lesson=learning_rate&lang=pt-BR&x=updates")
    src = lxml.html.fragment_fromstring(own["html"]).get("src")
    assert src.count("lang=") == 1 and keys(src)["lang"] == "pt-BR" and keys(src)["x"] == "updates"
    assert own["title"] == texts()["learning_rate"]["title"]["pt-BR"]


@pytest.mark.parametrize("url, status", [
    ("https://elsewhere.example/?batch_size=1", 404),
    ("http://testserver/api/history?batch_size=1", 404),
    ("http://testserver/docs", 404),
    ("ftp://testserver/", 404),
    ("http://testserver/?batch_size=0", 422),
])
def test_oembed_refuses_what_is_not_a_page_of_this_app(client, url, status):
    r = client.get("/oembed", params={"url": url})
    assert r.status_code == status and r.json()["detail"]
    if status == 422:
        assert r.json()["detail"][0]["loc"] == ["query", "batch_size"]


@pytest.mark.parametrize("key, value", [("maxwidth", "0"), ("maxheight", "tall")])
def test_oembed_sizes_are_positive_integers(client, key, value):
    r = client.get("/oembed", params={"url": "http://testserver/", key: value})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", key]


def test_oembed_in_xml_is_not_implemented(client):
    r = client.get("/oembed", params={"url": "http://testserver/", "format": "xml"})
    assert r.status_code == 501 and "json" in r.json()["detail"]


def test_the_picture_is_a_cacheable_png_of_every_run(client):
    r = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert "max-age=604800" in r.headers["cache-control"] and "public" in r.headers["cache-control"]
    image = Image.open(io.BytesIO(r.content))
    assert image.size == (1200, 630)
    left, bottom, w, h = picture.PLOT_BOX
    plot = np.asarray(image.convert("RGB").crop((int(left * 1200), int((1 - bottom - h) * 630),
                                                 int((left + w) * 1200), int((1 - bottom) * 630))))
    for color in picture.COLORS[:3]:
        rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
        assert np.all(plot == rgb, axis=-1).sum() > 40, color
    again = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content and again.headers["etag"] == r.headers["etag"]


def test_the_same_comparison_draws_the_same_bytes_whatever_the_order_of_its_keys(client):
    first = client.get("/api/picture?dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100")
    PICTURES.clear()  # draw it again
    second = client.get("/api/picture?batch_size=full,1,100&epochs=20&dataset=linear&n_samples=1000&v=1")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    other = client.get("/api/picture?dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100&lang=ja")
    assert other.headers["etag"] != first.headers["etag"]


def test_a_lesson_without_run_keys_draws_the_lessons_runs_as_its_page_does(client):
    """``/api/picture?lesson=learning_rate`` is titled with the lesson: it draws the lesson's four
    learning rates, not the default comparison, as ``/?lesson=learning_rate`` runs them."""
    lesson = BY_NAME["learning_rate"]
    bare = client.get("/api/picture?lesson=learning_rate&lang=en")
    full = client.get(f"/api/picture?{lesson.query}&lesson=learning_rate&lang=en")
    assert bare.status_code == full.status_code == 200
    assert bare.headers["etag"] == full.headers["etag"] and bare.content == full.content
    own = client.get("/api/picture?lesson=learning_rate&lang=en&epochs=3")  # a run key of its own: its runs
    assert own.headers["etag"] != full.headers["etag"]


def test_a_bad_comparison_gets_the_usual_422_naming_the_key(client):
    r = client.get("/api/picture?batch_size=0")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "batch_size"]


def test_a_diverged_run_is_drawn_and_said_so(client):
    r = client.get("/api/picture?learning_rate=0.02,0.5&epochs=3")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (1200, 630)


def test_a_real_oembed_consumer_embeds_a_shared_link(live_server):
    server = live_server()
    page = f"{server.url}/?{DEFAULT_QUERY}&lesson=batch_size"
    registry = micawber.ProviderRegistry()
    registry.register(rf"{server.url}/(embed)?\?.*", micawber.Provider(f"{server.url}/oembed", timeout=30))
    data = registry.request(page, maxwidth=600)  # WordPress' content width; micawber asks maxheight 1066
    assert data["type"] == "rich" and (data["width"], data["height"]) == (600, 530)
    phone = registry.request(page, maxwidth=366)  # micawber asks maxheight 650: the embed is 680 tall
    assert (phone["width"], phone["height"]) == (366, 650)
    asked = registry.request(f"{page}&predict=true", maxwidth=600)  # the card's question and its choices
    assert (asked["width"], asked["height"]) == (600, 750)
    src = lxml.html.fragment_fromstring(data["html"]).get("src")
    # the link has no lang: the answer's (micawber asks in no language: the default), as its title
    assert src == f"{server.url}/embed?{DEFAULT_QUERY}&lang=en&autoplay=true&lesson=batch_size"
    # a course page with the bare link in it: the consumer puts the iframe in its place
    html = micawber.parse_html(f"<p>Today:</p><p>{page}</p>", registry, maxwidth=600)
    assert "<iframe" in html and "/embed?" in html
    thumb = micawber.Provider(f"{server.url}/oembed").request(page)["thumbnail_url"]
    import httpx

    r = httpx.get(thumb, timeout=60)
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (1200, 630)
    with pytest.raises(micawber.ProviderHTTPException):
        micawber.Provider(f"{server.url}/oembed").request("https://elsewhere.example/")


def test_behind_a_trusted_proxy_links_use_its_scheme_and_host(live_server):
    """uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (the compose file: from nginx); the Host
    header is the proxy's own (deploy/nginx.conf passes it on with its port)."""
    import httpx

    server = live_server()
    r = httpx.get(f"{server.url}/?batch_size=1", headers={"X-Forwarded-Proto": "https", "Host": "gd.example.edu"})
    og = head(r.text, "https://gd.example.edu/")["og"]
    assert og["og:url"].startswith("https://gd.example.edu/?") and og["og:image"].startswith("https://gd.example.edu/api/")


def test_the_pages_picture_is_drawn_for_its_chart_box_with_its_own_etag(client):
    preview = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en")
    for box, size in (("wide", (1000, 440)), ("medium", (640, 280)), ("narrow", (390, 300))):
        r = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en&chart={box}")
        assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == size
        assert r.headers["etag"] != preview.headers["etag"]
    r = client.get(f"/api/picture?{DEFAULT_QUERY}&chart=huge")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "chart"]
    assert "wide, medium, narrow" in r.json()["detail"][0]["msg"]


def test_the_picture_is_titled_and_drawn_as_the_page_and_its_card(client, monkeypatch):
    """Title as og:title (the lesson's, else the runs'), and the loss axis the link's page shows: its
    own logy, else the card's page keys (keras_sgd's log axis)."""
    drawn = []
    PICTURES.clear()  # each one drawn here, not kept from another test
    render = picture.render
    monkeypatch.setattr(picture, "render", lambda title, curves, lang, logy, width: drawn.append((title, logy))
                        or render(title, curves, lang, logy, width))
    keras = BY_NAME["keras_sgd"].query
    tags = set()
    for link in (f"{keras}&lesson=keras_sgd&lang=zh-CN", keras, f"{DEFAULT_QUERY}&lang=en",
                 f"{keras}&lesson=keras_sgd&lang=zh-CN&logy=false", f"{DEFAULT_QUERY}&lang=en&logy=true"):
        url = f"http://testserver/?{link}"
        og = head(client.get(f"/?{link}").text, url)["og"]
        r = client.get(og["og:image"])  # the picture the link's preview shows
        assert r.status_code == 200
        tags.add(r.headers["etag"])
        drawn[-1] += (og["og:title"],)
    assert len(drawn) == len(tags) == 5  # each drawn, each its own ETag
    keras_title = texts()["keras_sgd"]["title"]["zh-CN"]
    assert drawn[0] == (keras_title, True, keras_title)
    assert drawn[1][1] is False and drawn[1][0] == drawn[1][2] and "momentum=0.9" in drawn[1][0]
    assert drawn[2] == ("Full batch vs SGD vs mini-batch", False, "Full batch vs SGD vs mini-batch")
    # the link's own loss axis over the card's: the picture is the page the link opens
    assert drawn[3] == (keras_title, False, keras_title)
    assert drawn[4] == ("Full batch vs SGD vs mini-batch", True, "Full batch vs SGD vs mini-batch")


def test_a_thumbnail_width_draws_the_picture_that_size_with_its_own_etag(client):
    full = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en")
    for width, height in ((400, 210), (250, 131), (200, 105)):
        r = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en&width={width}")
        assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (width, height)
        assert r.headers["etag"] != full.headers["etag"]
        again = client.get(f"/api/picture?{DEFAULT_QUERY}&lang=en&width={width}", headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
    r = client.get(f"/api/picture?{DEFAULT_QUERY}&lesson=batch_size&predict=true&width=400")
    assert Image.open(io.BytesIO(r.content)).size == (400, 210)


@pytest.mark.parametrize("width", ["199", "1201", "wide", "-5", "400.5", "4²"])
def test_a_thumbnail_width_out_of_range_is_a_422_naming_it(client, width):
    r = client.get(f"/api/picture?{DEFAULT_QUERY}&width={width}")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "width"]
    assert "200 to 1200" in r.json()["detail"][0]["msg"]


@pytest.mark.parametrize("maxwidth, maxheight, size", [
    (None, None, (1200, 630)), (2000, 1000, (1200, 630)), (600, None, (600, 315)), (None, 210, (400, 210)),
    (500, 150, (286, 150)), (199, None, None), (900, 100, None),
])
def test_the_oembed_thumbnail_fits_maxwidth_and_maxheight(client, maxwidth, maxheight, size):
    params = {"url": "http://testserver/?lesson=batch_size", **({"maxwidth": maxwidth} if maxwidth else {}),
              **({"maxheight": maxheight} if maxheight else {})}
    data = client.get("/oembed", params=params).json()
    if size is None:  # narrower than 200: no thumbnail at all (oEmbed: its three fields go together)
        assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(data)
        return
    assert (data["thumbnail_width"], data["thumbnail_height"]) == size
    assert data["thumbnail_width"] <= (maxwidth or 1200) and data["thumbnail_height"] <= (maxheight or 630)
    thumb = urlsplit(data["thumbnail_url"])
    assert ("width" in keys(data["thumbnail_url"])) == (size[0] < 1200)
    assert Image.open(io.BytesIO(client.get(f"{thumb.path}?{thumb.query}").content)).size == size
