"""UI strings in four languages and the choice of language."""
import re
from pathlib import Path

import pytest

from app import i18n
from tests.support import cases

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.parametrize("case", cases.load("languages"), ids=cases.about)
def test_a_links_language_is_matched_as_the_page_writes_it_back(case):
    """tests/cases/languages.json, also run against query.js spokenAs (tests/js/query.test.mjs)."""
    assert i18n.match(case["tag"]) == case["match"]
