"""What a shared link shows before anyone opens it: the absolute URLs of a page, its picture and its
oEmbed answer, and the words (title, description) that name its lesson or comparison.

A page's link is read as the page reads it: its lesson's comparison with the link's run keys on
top, or without a lesson its run keys, or the default comparison (the first lesson). Links written here are the canonical query (``plan.query``)
followed by the link's page-only keys, commas literal, as the page's address bar holds them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import escape

from app import i18n
from app.comparison import Comparison
from app.lessons import BY_NAME, DEFAULT_QUERY, Lesson, texts
from app.links import split_query
from app.schemas import PAGE_KEYS
from app.services.records import RunRecord

PICTURE_SIZE = (1200, 630)  # the usual large link-preview card (Open Graph, twitter:card)
THUMBNAIL_WIDTHS = (200, 1200)  # /api/picture's `width`: narrower has no readable word left
IFRAME_SIZE = (900, 520)  # the Embed button's iframe (query.js embedSnippet), oEmbed's widest
# The /embed's height that shows all of it (lesson card, toolbar, a 220 px chart, the whole run
# table; nothing scrolls) from this width up: measured in chromium by bench/embed_heights.py (the
# lessons in en, ja and pt-BR, the tallest), made non-increasing with width, plus a few px.
# (answered, up to 4 runs; answered, up to 8 runs; asked first, predict=true, up to 4 runs): more
# runs lengthen the table and the card's choices, a question card its choices and button. Under
# 600 px the table's labels wrap rather than scroll sideways: keras_sgd's three keys in pt-BR make
# the 320-390 px rows taller (re-measured 2026-12-02; the wider rows kept, none measured taller;
# keras_sgd's smoothing '0.60 auto' in pt-BR makes 390 px 635 tall).
EMBED_HEIGHTS = ((320, (770, 880, 950)), (366, (680, 820, 940)), (390, (640, 770, 900)), (440, (580, 750, 750)),
                 (480, (580, 730, 750)), (540, (570, 710, 750)), (600, (530, 640, 750)), (700, (520, 640, 750)),
                 (800, (520, 640, 670)), (900, (520, 600, 630)))
ROW_PX = 24  # each run over 8, or over 4 on a question card (not measured): a table row and a choice
PAGES = ("/", "/embed")


def encode(name: str, items: list[str] | tuple[str, ...]) -> str:
    """``name=item,item``: each item percent-encoded, the commas between items literal."""
    return f"{quote(name, safe='')}={','.join(quote(item, safe='') for item in items)}"


def page_key(raw_query: str, name: str) -> str | None:
    """A page-only key's value in a raw query string (None if absent)."""
    return next((",".join(items) for key, items in split_query(raw_query) if key == name), None)


X_MODES = ("epochs", "updates", "examples", "seconds")
DEFAULT_OPTIONS = {"mode": "epochs", "logx": False, "logy": False, "smoothing": None}  # chart.js PICTURED


def chart_options(raw_query: str) -> dict:
    """The loss chart's options a link's page draws with, as static/js/query.js chartOptions of
    lessonPage: the link's own page keys over its lesson card's (keras_sgd: logy=true&smooth=0.6)."""
    lesson = BY_NAME.get(page_key(raw_query, "lesson") or "")
    page = {name: ",".join(items) for name, items in split_query(lesson.page)} if lesson else {}
    page.update({name: ",".join(items) for name, items in split_query(raw_query) if name in ("x", "logx", "logy", "smooth")})
    try:
        smooth = float(page.get("smooth") or "nan")
    except ValueError:
        smooth = math.nan
    return {"mode": page["x"] if page.get("x") in X_MODES else "epochs", "logx": page.get("logx") == "true",
            "logy": page.get("logy") == "true", "smoothing": min(0.99, max(0.0, smooth)) if math.isfinite(smooth) else None}


def ordered(pairs) -> list[tuple[str, list[str]]]:
    return sorted(pairs, key=lambda pair: list(PAGE_KEYS).index(pair[0]))


@dataclass(frozen=True)
class SharedLink:
    """A page link of this app (``/`` or ``/embed`` and its raw query string), read as the page reads it."""
    base: str  # scheme://host[:port][/prefix], no trailing slash
    path: str
    raw_query: str
    lang: str  # the page's language (its `lang` key, else the reader's Accept-Language)

    @property
    def page_keys(self) -> list[tuple[str, list[str]]]:
        """The link's page-only keys in the order the page writes them (the schema's)."""
        # a page key's commas are literal, even where the link wrote %2C (the page's own links)
        keys = [(name, ",".join(items).split(",")) for name, items in split_query(self.raw_query) if name in PAGE_KEYS]
        # a language as the page writes it back: `zh` as zh-CN; one it does not speak left out
        keys = [(name, [i18n.match(items[0])] if name == "lang" else items) for name, items in keys
                if name != "lang" or i18n.match(items[0])]
        return ordered(keys)

    def page_key(self, name: str) -> str | None:
        return page_key(self.raw_query, name)

    @property
    def lesson(self) -> Lesson | None:
        return BY_NAME.get(self.page_key("lesson") or "")

    @property
    def comparison_query(self) -> str:
        """The query the page runs: its lesson's comparison with the link's own run keys on top (a
        key's list in the link replaces the lesson's: ``lesson=batch_size&seed=3`` runs the three
        batch sizes with seed 3), else the link's run keys, else the default comparison. The same
        rule as the page's (static/js/query.js, ``parseQuery``)."""
        own = {name: items for name, items in split_query(self.raw_query) if name not in PAGE_KEYS}
        if not self.lesson:
            return self.raw_query if own else DEFAULT_QUERY
        lists = {**dict(split_query(self.lesson.query)), **own}
        return "&".join(encode(name, items) for name, items in lists.items())

    def url(self, path: str, query: str, extra: dict[str, str] | None = None) -> str:
        """``base + path`` with the canonical query, then the page keys (``extra`` adds missing ones)."""
        pairs = dict(self.page_keys)
        for name, value in (extra or {}).items():
            pairs.setdefault(name, [value])
        return f"{self.base}{path}?{'&'.join([query, *(encode(n, items) for n, items in ordered(pairs.items()))])}"

    def picture_url(self, query: str, width: int = PICTURE_SIZE[0]) -> str:
        """The picture of the same comparison, titled with the link's lesson in the page's language,
        with the link's own ``logy`` and ``smooth`` if it sets them (``width`` pixels wide: a thumbnail's)."""
        keys = [f"lesson={self.lesson.name}"] if self.lesson else []
        if self.lesson and self.page_key("predict") == "true":
            keys.append("predict=true")  # the question's picture: a preview must not give the answer away
        # the loss axis and smoothing the link's page draws (its own; the lesson's the picture knows)
        keys += [f"{name}={quote(self.page_key(name), safe=',')}" for name in ("logy", "smooth") if self.page_key(name) is not None]
        size = [f"width={width}"] if width != PICTURE_SIZE[0] else []
        return f"{self.base}/api/picture?{'&'.join([query, *keys, f'lang={quote(self.lang)}', *size])}"

    def oembed_url(self, page_url: str) -> str:
        return f"{self.base}/oembed?url={quote(page_url, safe='')}&format=json"


def named_by_variant(comparison: Comparison, i: int) -> bool:
    """Run i is called by its variant (full batch, SGD, mini-batch) when it has no label of its
    own and every run's variant differs (as the page's end labels)."""
    variants = [plan["variant"] for plan in comparison.plan["runs"]]
    return not comparison.runs[i].label and len(set(variants)) == len(variants)


def run_names(comparison: Comparison, lang: str) -> list[str]:
    """What each run is called in a preview: its own label, else its variant where the variants
    tell the runs apart, else the keys that differ (the plan's label, ``learning_rate=0.02``)."""
    t = i18n.strings(lang)
    return [t[f"variant_{plan['variant']}"] if named_by_variant(comparison, i) else plan["label"]
            for i, plan in enumerate(comparison.plan["runs"])]


def joined(items: list[str], pattern: str) -> str:
    """Items joined by a pattern of the page's language (``{a} vs {b}``, ``{a}、{b}``)."""
    text = items[0]
    for item in items[1:]:
        text = pattern.format(a=text, b=item)
    return text


def capitalized(comparison: Comparison, text: str) -> str:
    """A sentence that starts with a variant's name starts with a capital; a label stays as written."""
    return text[:1].upper() + text[1:] if named_by_variant(comparison, 0) else text


def title(comparison: Comparison, lesson: Lesson | None, lang: str) -> str:
    """The lesson's title, else the runs' names: "Full batch vs SGD vs mini-batch"."""
    if lesson:
        return texts()[lesson.name]["title"][lang]
    return capitalized(comparison, joined(run_names(comparison, lang), i18n.strings(lang)["share_versus"]))


def outcome(plan: dict, record: RunRecord | None, t: dict[str, str]) -> str:
    """A finished run's end in the words of the page's table (format.js statusText): "640
    updates", "diverged at update 12", "stopped at epoch 51". A run not in the cache is not
    trained to say it: its planned count, as the most it makes (it may diverge or stop early)."""
    if record is None:
        return t["share_up_to"].format(n=plan["total_updates"])
    k = len(record.loss)
    if record.status in ("diverged", "failed"):
        return t[f"status_{record.status}"].format(k=k)
    if record.status == "stopped" and k < plan["total_updates"]:
        return stopped_where(k, plan["iterations_per_epoch"], t)
    return t["share_updates"].format(n=k)


def stopped_where(updates: int, per_epoch: int, t: dict[str, str]) -> str:
    """Where a run stopped, as format.js words it: "stopped at epoch 51" at an epoch's end, else
    "stopped at update k"."""
    epoch = updates / per_epoch
    return t["stopped_at_epoch"].format(e=int(epoch)) if epoch.is_integer() else t["stopped_at_update"].format(k=updates)


def description(comparison: Comparison, lesson: Lesson | None, lang: str, predict: bool,
                records: list[RunRecord | None] | None = None) -> str:
    """The runs and how they end ("Full batch: 20 updates, SGD: diverged at update 12") from
    their cached records (one per run, None where not cached), after the lesson's question. With
    predict=true only the question: the counts may be its answer."""
    t = i18n.strings(lang)
    question = texts()[lesson.name]["question"][lang] if lesson else ""
    if lesson and predict:
        return question
    records = records or [None] * len(comparison.runs)
    runs = [t["share_run"].format(name=name, outcome=outcome(plan, record, t))
            for name, plan, record in zip(run_names(comparison, lang), comparison.plan["runs"], records)]
    runs_text = capitalized(comparison, joined(runs, t["share_list"]))
    return " ".join(filter(None, [question, t["share_description"].format(runs=runs_text)]))


def head(link: SharedLink, comparison: Comparison | None, records: list[RunRecord | None] | None = None) -> dict:
    """The page's <head> metadata (``records``: the runs' cached records, see ``description``);
    an invalid comparison (the page shows its errors) gets the app's own title and no picture."""
    t = i18n.strings(link.lang)
    if comparison is None:
        return {"title": t["title"], "name": t["title"], "description": t["subtitle"], "site": t["title"],
                "url": f"{link.base}{link.path}" + (f"?{link.raw_query}" if link.raw_query else "")}
    lesson = link.lesson
    name = title(comparison, lesson, link.lang)
    url = link.url(link.path, comparison.query)
    return {"title": f"{name} · {t['title']}", "name": name, "site": t["title"], "url": url,
            "description": description(comparison, lesson, link.lang, link.page_key("predict") == "true", records),
            "image": link.picture_url(comparison.query), "image_size": PICTURE_SIZE,
            "image_alt": name, "oembed": link.oembed_url(url)}


def embed_height(width: int, runs: int, asked: bool = False) -> int:
    """The embed's height at this width that shows it whole, taken at the nearest measured width
    at or below it (narrower needs more); below the narrowest, the narrowest's (it then scrolls)."""
    heights = next((h for w, h in reversed(EMBED_HEIGHTS) if w <= width), EMBED_HEIGHTS[0][1])
    if asked:
        return heights[2] + ROW_PX * max(0, runs - 4)
    return heights[0] if runs <= 4 else heights[1] + ROW_PX * max(0, runs - 8)


def iframe_size(maxwidth: int | None, maxheight: int | None, runs: int, asked: bool = False) -> tuple[int, int]:
    """As wide as allowed up to 900 px, as tall as the embed is at that width (900x520, the Embed
    button's, for up to 4 runs), within maxheight (a consumer allowing less gets an embed that scrolls)."""
    width = min(maxwidth or IFRAME_SIZE[0], IFRAME_SIZE[0])
    height = embed_height(width, runs, asked)
    return width, min(height, maxheight or height)


def picture_height(width: int) -> int:
    """The height of the picture drawn ``width`` pixels wide (its shape kept, as /api/picture draws it)."""
    return round(width * PICTURE_SIZE[1] / PICTURE_SIZE[0])


def thumbnail(link: SharedLink, query: str, maxwidth: int | None, maxheight: int | None) -> dict:
    """oEmbed's thumbnail (2.3.4: within maxwidth and maxheight): the picture drawn at the widest
    size that fits, with its true size; none if that would be narrower than THUMBNAIL_WIDTHS allows."""
    width = min(PICTURE_SIZE[0], maxwidth or PICTURE_SIZE[0])
    while width >= THUMBNAIL_WIDTHS[0] and maxheight and picture_height(width) > maxheight:
        width -= 1
    if width < THUMBNAIL_WIDTHS[0]:
        return {}
    return {"thumbnail_url": link.picture_url(query, width), "thumbnail_width": width,
            "thumbnail_height": picture_height(width)}


def oembed(link: SharedLink, comparison: Comparison, maxwidth: int | None, maxheight: int | None) -> dict:
    """oEmbed 1.0, type rich: an iframe of /embed with the link's comparison and page keys, and
    ``lang`` (the answer's language) when the link has none."""
    t = i18n.strings(link.lang)
    asked = bool(link.lesson) and link.page_key("predict") == "true"  # the card's question and choices
    width, height = iframe_size(maxwidth, maxheight, len(comparison.runs), asked)
    name = title(comparison, link.lesson, link.lang)
    # one answer for every viewer (consumers cache it): the iframe speaks its title's language
    src = link.url("/embed", comparison.query, {"autoplay": "true", "lang": link.lang})
    html = (f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(name)}" '
            f'style="border:0" loading="lazy" allowfullscreen></iframe>')
    return {"version": "1.0", "type": "rich", "title": name, "provider_name": t["title"],
            "provider_url": f"{link.base}/", "html": html, "width": width, "height": height,
            **thumbnail(link, comparison.query, maxwidth, maxheight), "cache_age": 86400}
