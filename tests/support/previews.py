"""Reading a shared link's page as an unfurler does (tests/api/test_pages.py, tests/api/test_share.py):
Open Graph by a real extractor (extruct), the rest of the <head> by an HTML parser (lxml)."""
from urllib.parse import parse_qsl, urlsplit

import extruct
import lxml.html


def head(html: str, url: str) -> dict:
    """What an unfurler sees: Open Graph properties (extruct), title, description and alternates."""
    og = extruct.extract(html, base_url=url, syntaxes=["opengraph"], uniform=False)["opengraph"]
    doc = lxml.html.fromstring(html)
    return {
        "og": dict(og[0]["properties"]),
        "og_all": og[0]["properties"],  # repeated properties too (og:locale:alternate)
        "title": doc.findtext(".//title"),
        "description": doc.xpath('//meta[@name="description"]/@content')[0],
        "twitter": doc.xpath('//meta[@name="twitter:card"]/@content')[0],
        "oembed": doc.xpath('//link[@rel="alternate"][@type="application/json+oembed"]/@href'),
    }


def keys(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))
