"""Static files (app/assets.py): content-hashed URLs cached for good, plain ones revalidated,
the pages' import map and modulepreloads, every file compressed once."""
import hashlib
import json
import re
from pathlib import Path

from app.assets import IMMUTABLE, script_hash

STATIC = Path(__file__).resolve().parents[1] / "static"


def head(client, path="/"):
    return client.get(path).text.split("</head>")[0]


def test_the_pages_name_hashed_urls_that_resolve_and_are_immutable(client):
    html = head(client)
    # plotly's URL is in the page's config: the page loads it when a chart first draws
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"|"plotly": ?"(/static/[^"]+)"', html)
    urls = [a or b for a, b in urls]
    assert any("plotly-cartesian.min." in u for u in urls) and any(u.endswith(".css") for u in urls)
    for url in urls:
        r = client.get(url)
        plain = re.sub(r"\.([0-9a-f]{12})(\.\w+)$", r"\2", url)
        digest = re.search(r"\.([0-9a-f]{12})\.\w+$", url)[1]
        assert r.status_code == 200 and r.headers["cache-control"] == IMMUTABLE, url
        assert hashlib.sha256((STATIC / plain.removeprefix("/static/")).read_bytes()).hexdigest()[:12] == digest
        assert client.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_plain_urls_revalidate_and_a_stale_hash_is_never_cached(client):
    r = client.get("/static/js/main.js")
    assert r.headers["cache-control"] == "no-cache" and r.headers["etag"]
    again = client.get("/static/js/main.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # an older page's URL (another hash) gets today's file, not to be kept
    old = client.get("/static/js/main.000000000000.js")
    assert old.status_code == 200 and old.headers["cache-control"] == "no-cache" and old.content == r.content
    for missing in ("/static/js/nothing.js", "/static/../app/main.py", "/static/%2e%2e/app/main.py", "/static/js"):
        assert client.get(missing).status_code == 404, missing


def test_the_import_map_maps_every_module_and_the_csp_allows_exactly_it(client):
    for page in ("/", "/embed"):
        r = client.get(page)
        assert r.headers["cache-control"] == "no-cache"
        text = re.search(r'<script type="importmap">(.*?)</script>', r.text, re.S)[1]
        imports = json.loads(text)["imports"]
        modules = {f"/static/{p.relative_to(STATIC).as_posix()}" for p in (STATIC / "js").rglob("*.js")}
        assert set(imports) == modules
        for plain, hashed in imports.items():
            assert client.get(hashed).content == client.get(plain).content
        assert script_hash(text) in r.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        # the import map comes before any module is loaded or preloaded
        assert r.text.index('type="importmap"') < r.text.index("modulepreload") < r.text.index('type="module"')


def test_main_js_static_imports_are_preloaded(client):
    html = head(client)
    preloads = re.findall(r'rel="modulepreload" href="([^"]+)"', html)
    main = (STATIC / "js" / "main.js").read_text()
    imported = set(re.findall(r'^import .* from "\./([\w.]+)";', main, re.M))
    assert imported and {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", p.rsplit("/", 1)[1]) for p in preloads} >= imported


def test_brotli_bodies_are_kept_on_disk_for_the_next_process(tmp_path):
    """A worker, a restart or the image's build leaves each file's brotli body on disk; the next
    process reads it instead of compressing again (seconds of CPU for plotly's bundle)."""
    import brotli

    from app.assets import Assets

    body = b"export const answer = 42;\n" * 200
    first, second, cache = tmp_path / "a", tmp_path / "b", tmp_path / "cache"
    for folder in (first, second):
        (folder / "js").mkdir(parents=True)
        (folder / "js" / "answer.js").write_bytes(body)
    Assets(first, cache).warm()
    [kept] = cache.iterdir()
    assert brotli.decompress(kept.read_bytes()) == body and not list(cache.glob("*.br.*"))  # no partial file left
    marked = brotli.compress(body, quality=1)  # what a process made earlier, told apart by its bytes
    kept.write_bytes(marked)
    assets = Assets(second, cache)
    assets.warm()
    assert assets.get("js/answer.js").encoded["br"] == marked
