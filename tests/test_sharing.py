"""The words and links of a shared link: run names, titles, descriptions, page keys, iframe size."""
from array import array

import pytest

from app import sharing
from app.comparison import Comparison
from app.engine import RunStatus
from app.lessons import BY_NAME, DEFAULT_QUERY
from app.links import parse_comparison
from app.services.records import RunRecord
from tests.support import cases


def comparison(query: str) -> Comparison:
    return Comparison(parse_comparison(query))


@pytest.mark.parametrize("query, names", [
    ("batch_size=full,1,100", ["full batch", "SGD", "mini-batch"]),
    ("batch_size=full,1,100&label=,mine,", ["full batch", "mine", "mini-batch"]),  # a label wins
    ("batch_size=2,4,full", ["batch_size=2", "batch_size=4", "batch_size=full"]),  # two mini-batches
    ("learning_rate=0.1,0.5", ["learning_rate=0.1", "learning_rate=0.5"]),
])
def test_runs_are_named_as_the_page_names_them(query, names):
    assert sharing.run_names(comparison(query), "en") == names


def test_titles_and_descriptions_in_each_language():
    c = comparison(DEFAULT_QUERY)
    assert sharing.title(c, None, "en") == "Full batch vs SGD vs mini-batch"
    assert sharing.title(c, None, "pt-BR") == "Lote completo x SGD x minilote"
    assert sharing.description(c, None, "zh-CN", False).startswith("全批量：最多 20 次更新，SGD：最多 20000 次更新，小批量：最多 200 次更新。")
    assert sharing.description(c, None, "ja", False).startswith("フルバッチ：更新 20 回まで、SGD：更新 20000 回まで、")
    lesson = BY_NAME["batch_size"]
    assert sharing.title(c, lesson, "en") == "Batch size: full batch, SGD and mini-batch"
    question = sharing.description(c, lesson, "en", predict=True)
    assert question.endswith("?") and "20000" not in question
    assert sharing.description(c, lesson, "en", predict=False).startswith(question + " Full batch: up to 20 updates")


def ended(c: Comparison, i: int, status: str, updates: int) -> RunRecord:
    rec = RunRecord(c.configs[i], loss=array("d", [1.0] * updates))
    rec.status = RunStatus(status)
    return rec


@pytest.mark.parametrize("lang, words", [
    ("en", "Full batch: 20 updates, SGD: diverged at update 12, mini-batch: stopped at epoch 5."),
    ("pt-BR", "Lote completo: 20 atualizações, SGD: divergiu na atualização 12, minilote: parou na época 5."),
    ("ja", "フルバッチ：更新 20 回、SGD：更新 12 で発散、ミニバッチ：エポック 5 で停止。"),
    ("zh-CN", "全批量：20 次更新，SGD：在第 12 次更新时发散，小批量：在第 5 个 epoch 停止。"),
])
def test_cached_runs_are_worded_by_how_they_ended_as_the_table_words_them(lang, words):
    c = comparison(DEFAULT_QUERY)  # 20, 20000 and 200 updates planned; 1, 1000 and 10 an epoch
    records = [ended(c, 0, "completed", 20), ended(c, 1, "diverged", 12), ended(c, 2, "stopped", 50)]
    assert sharing.description(c, None, lang, False, records).startswith(words)


def test_a_run_not_cached_is_worded_by_its_plan_as_the_most_it_makes():
    c = comparison(DEFAULT_QUERY)
    records = [ended(c, 0, "completed", 20), None, ended(c, 2, "stopped", 55)]  # stopped inside an epoch
    assert sharing.description(c, None, "en", False, records).startswith(
        "Full batch: 20 updates, SGD: up to 20000 updates, mini-batch: stopped at update 55.")


def test_a_label_is_never_capitalized():
    c = comparison("batch_size=1,2&label=mine,yours")
    assert sharing.title(c, None, "en") == "mine vs yours"
    assert sharing.description(c, None, "en", False).startswith("mine: up to 20000 updates, yours: up to 10000 updates.")


def test_a_link_runs_its_lesson_with_its_run_keys_on_top_or_the_default():
    assert sharing.SharedLink("http://h", "/", "lang=ja", "ja").comparison_query == DEFAULT_QUERY
    lesson = BY_NAME["iterations"]
    assert sharing.SharedLink("http://h", "/", "lesson=iterations", "en").comparison_query == lesson.query
    with_keys = sharing.SharedLink("http://h", "/", "batch_size=1&lesson=iterations", "en")
    assert with_keys.comparison_query == "dataset=linear&n_samples=60000&epochs=10&batch_size=1"  # the link's list wins
    seeded = sharing.SharedLink("http://h", "/", "lesson=batch_size&seed=3", "en")  # the lesson's runs, each seed 3
    assert seeded.comparison_query == "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100&seed=3"
    assert sharing.SharedLink("http://h", "/", "seed=3", "en").comparison_query == "seed=3"  # no lesson: its own runs
    assert sharing.SharedLink("http://h", "/", "lesson=nonsense", "en").lesson is None


def test_links_keep_page_keys_in_the_pages_order_with_literal_commas():
    link = sharing.SharedLink("https://gd.example.edu", "/", "lesson=iterations&view=loss%2Cfit&lang=ja&batch_size=1", "ja")
    assert link.url("/embed", "q=1", {"autoplay": "true", "lang": "en"}) == \
        "https://gd.example.edu/embed?q=1&lang=ja&autoplay=true&view=loss,fit&lesson=iterations"
    assert link.picture_url("q=1") == "https://gd.example.edu/api/picture?q=1&lesson=iterations&lang=ja"
    drawn = sharing.SharedLink("http://h", "/", "lesson=keras_sgd&smooth=0.3&logy=false&x=updates", "en")
    assert drawn.picture_url("q=1") == "http://h/api/picture?q=1&lesson=keras_sgd&logy=false&smooth=0.3&lang=en"  # its chart options
    # a language alias as the page writes it back; one the app does not speak left out, as the page does
    assert sharing.SharedLink("http://h", "/", "lang=zh&x=updates", "zh-CN").url("/", "q=1") == "http://h/?q=1&lang=zh-CN&x=updates"
    assert sharing.SharedLink("http://h", "/", "lang=xx&x=updates", "en").url("/", "q=1") == "http://h/?q=1&x=updates"
    assert link.oembed_url("https://gd.example.edu/?a=1,2") == \
        "https://gd.example.edu/oembed?url=https%3A%2F%2Fgd.example.edu%2F%3Fa%3D1%2C2&format=json"


@pytest.mark.parametrize("maxwidth, maxheight, runs, size", [
    (None, None, 3, (900, 520)), (2000, 2000, 3, (900, 520)), (600, None, 3, (600, 530)),
    (366, 650, 3, (366, 650)), (366, None, 2, (366, 680)), (380, None, 4, (380, 680)),
    (390, None, 4, (390, 640)), (366, None, 8, (366, 820)), (900, None, 5, (900, 600)), (900, None, 10, (900, 648)),
    (200, None, 1, (200, 770)), (600, 100, 3, (600, 100)), (1, 1, 1, (1, 1)),
])
def test_the_iframe_is_as_tall_as_the_embed_at_its_width_within_maxheight(maxwidth, maxheight, runs, size):
    assert sharing.iframe_size(maxwidth, maxheight, runs) == size


@pytest.mark.parametrize("maxwidth, runs, size", [
    (None, 4, (900, 630)), (600, 3, (600, 750)), (366, 4, (366, 940)), (366, 6, (366, 988)),
])
def test_a_question_asked_first_is_taller_its_card_holds_the_choices(maxwidth, runs, size):
    assert sharing.iframe_size(maxwidth, None, runs, asked=True) == size


def test_narrower_embeds_are_never_shorter():
    for runs, asked in ((1, False), (4, False), (5, False), (8, False), (3, True), (6, True)):
        heights = [sharing.embed_height(width, runs, asked) for width in range(200, 901)]
        assert heights == sorted(heights, reverse=True) and heights[-1] >= sharing.IFRAME_SIZE[1]
        assert not asked or heights[-1] > sharing.embed_height(900, runs)
    assert sharing.embed_height(900, 4) == sharing.IFRAME_SIZE[1]  # the Embed button's 900x520


@pytest.mark.parametrize("maxwidth, maxheight, width", [
    (None, None, None), (1200, 630, None), (450, None, 450), (None, 105, 200), (None, 104, "none"), (199, 630, "none"),
])
def test_the_thumbnail_is_the_picture_drawn_within_maxwidth_and_maxheight(maxwidth, maxheight, width):
    link = sharing.SharedLink("http://h", "/", "lesson=iterations", "en")
    thumb = sharing.thumbnail(link, "q=1", maxwidth, maxheight)
    if width == "none":  # below 200 wide: no thumbnail rather than an unreadable one
        assert thumb == {}
        return
    shown = width or 1200
    assert thumb == {"thumbnail_url": link.picture_url("q=1", shown), "thumbnail_width": shown,
                     "thumbnail_height": sharing.picture_height(shown)}
    assert thumb["thumbnail_url"].endswith("&lang=en" if width is None else f"&lang=en&width={width}")
    assert thumb["thumbnail_height"] <= (maxheight or 630)


@pytest.mark.parametrize("case", [c for c in cases.load("broadcasting") if "base" in c], ids=cases.about)
def test_a_lessons_comparison_takes_the_links_run_keys_as_the_page_does(case):
    """tests/cases/broadcasting.json, also run against query.js parseQuery (tests/js/query.test.mjs)."""
    link = sharing.SharedLink("http://x", "/", case["query"], "en")
    assert link.lesson.query == case["base"]
    assert link.comparison_query == case["link"]


def test_the_oembed_iframe_is_as_tall_as_the_embed_buttons():
    """tests/cases/constants.json, also checked against query.js embedSnippet (tests/js/query.test.mjs)."""
    assert sharing.IFRAME_SIZE[1] == cases.load("constants", "embed_height")


def test_chart_options_are_the_pages_the_links_own_over_its_lesson_cards():
    """As static/js/query.js chartOptions(lessonPage(...)) (tests/js/query.test.mjs)."""
    options = lambda query: tuple(sharing.chart_options(query).values())  # noqa: E731
    assert sharing.chart_options("") == sharing.DEFAULT_OPTIONS == {"mode": "epochs", "logx": False, "logy": False,
                                                                     "smoothing": None}
    assert options("lesson=keras_sgd") == ("epochs", False, True, 0.6) and options("lesson=batch_size") == ("epochs", False, False, None)
    assert options("logy=true&x=updates&logx=true") == ("updates", True, True, None)
    assert options("lesson=keras_sgd&logy=false&smooth=") == ("epochs", False, False, None)  # the link's own: auto
    assert options("smooth=2&x=nonsense") == ("epochs", False, False, 0.99) and options("smooth=x")[3] is None
