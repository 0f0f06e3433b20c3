"""UI strings in four languages; the page's language comes from `lang`, else Accept-Language."""
import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = {"en": "English", "pt-BR": "Português (Brasil)", "ja": "日本語", "zh-CN": "简体中文"}
DEFAULT = "en"
# Open Graph's og:locale is language_TERRITORY
LOCALES = {"en": "en_US", "pt-BR": "pt_BR", "ja": "ja_JP", "zh-CN": "zh_CN"}
_BY_PREFIX = {"en": "en", "pt": "pt-BR", "ja": "ja", "zh": "zh-CN"}


@lru_cache
def table() -> dict[str, dict[str, str]]:
    return json.loads((Path(__file__).parent / "strings.json").read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in table().items()}


def match(tag: str | None) -> str | None:
    """A supported language for a tag like 'pt', 'pt-PT', 'zh-Hans-CN', or None."""
    if not tag:
        return None
    tag = tag.strip()
    for lang in LANGUAGES:
        if tag.lower() == lang.lower():
            return lang
    return _BY_PREFIX.get(tag.split("-")[0].lower())


def pick(lang_key: str | None, accept_language: str | None) -> str:
    if match(lang_key):
        return match(lang_key)
    ranked = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, i, tag))
    for _, _, tag in sorted(ranked):
        if match(tag):
            return match(tag)
    return DEFAULT
