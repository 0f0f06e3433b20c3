"""The one schema: every key's type, default, bounds, options and help, and the engine config."""
import json
from urllib.parse import quote

from app.errors import QueryError
from app.links import parse_comparison, value_text
from app.schemas import DEFAULTS, FIELDS, PAGE_KEYS, RunConfig, allowed, run_schema
from tests.support.cases import CASES


def test_engine_config_maps_full_batch_to_none_and_hidden_to_sizes():
    cfg = RunConfig(batch_size="full", hidden="8x4").train_config()
    assert cfg.batch_size is None and cfg.hidden == (8, 4)
    assert RunConfig().train_config().learning_rate == DEFAULTS["learning_rate"]


def test_every_key_describes_what_it_allows():
    for key in RunConfig.model_fields:
        assert allowed(key)
    assert allowed("batch_size") == "'full' or a whole number >= 1 and <= 1000000"
    assert allowed("momentum") == "a number >= 0 and < 1"
    assert allowed("dataset") == "one of linear, moons, digits"


def test_json_schema_has_every_key_with_default_group_and_help():
    schema = run_schema()
    assert list(schema["properties"]) == FIELDS
    for name, prop in schema["properties"].items():
        assert "default" in prop and prop["description"] and prop["x-group"] in {"data", "model", "optimizer", "runs"}, name
    assert schema["properties"]["learning_rate"]["exclusiveMinimum"] == 0
    assert schema["properties"]["hidden"]["pattern"].startswith("^")
    assert set(schema["x-page-keys"]) == set(PAGE_KEYS) >= {"lang", "autoplay", "v", "view", "x", "logy", "smooth"}


def test_numeric_keys_carry_a_step_for_the_page():
    for name, prop in run_schema()["properties"].items():
        members = [m for m in prop.get("anyOf", [prop]) if m.get("type") in ("integer", "number")]
        if members:
            assert "x-step" in prop, name


# ---- the page reads the same bounds (tests/cases/schema.json, run by tests/js/schema.test.mjs) ----

# rules across keys the page leaves to the server: patience watches a validation loss; logistic
# and cross-entropy need a classification data set
CONTEXT = {"patience": "validation_split=0.2&", "model": "dataset=moons&", "loss": "dataset=moons&"}
# Where the page knowingly judges otherwise (the server's 422 then names what is allowed):
# hidden's pattern does not bound its units, and an empty text is not checked; pydantic's lax booleans take yes/no/on/off/1/0,
# though the words (and the page) say "true or false".
PAGE_DIFFERS = {("hidden", ""), ("hidden", "300"), ("hidden", "0"),
                *((key, "yes") for key in ("normalize", "batch_norm", "shuffle", "nesterov"))}


def texts_to_try(prop: dict) -> list[str]:
    """Texts on and just past every bound, each option and one that is none, empty."""
    out = [""]
    for p in (m for m in prop.get("anyOf", [prop]) if m.get("type") != "null"):
        out += [p["const"]] if "const" in p else [*p["enum"], "bogus"] if "enum" in p else []
        if p.get("type") == "boolean":
            out += ["true", "false", "yes"]
        if p.get("type") in ("integer", "number"):
            step = 1 if p["type"] == "integer" else 0.001
            for key, sign in (("minimum", -1), ("exclusiveMinimum", -1), ("maximum", 1), ("exclusiveMaximum", 1)):
                if key in p:
                    out += [value_text(p[key]), value_text(p[key] + sign * step), value_text(p[key] - sign * step)]
            out += ["1.5", "abc"] if p["type"] == "integer" else ["abc"]
        if p.get("type") == "string" and "maxLength" in p:
            out += ["a" * p["maxLength"], "a" * (p["maxLength"] + 1)]
        if "pattern" in p:
            out += ["16x16", "16,16", "1x2x3x4x5", "300", "0"]
    return list(dict.fromkeys(out))


def server_takes(key: str, text: str) -> bool:
    try:
        parse_comparison(f"{CONTEXT.get(key, '')}{key}={quote(text, safe='')}")
        return True
    except QueryError:
        return False


def schema_cases(schema: dict) -> dict:
    cases = [{"about": key, "key": key, "allowed": allowed(key),
              "texts": [{"text": text, "valid": server_takes(key, text),
                         **({"page_valid": not server_takes(key, text)} if (key, text) in PAGE_DIFFERS else {})}
                        for text in texts_to_try(prop)]}
             for key, prop in schema["properties"].items()]
    return {"rule": "What each run key allows: the server's words (schemas.allowed) and verdict (links.parse_comparison) "
                    "and the page's (schema.js describe/problemWith), on the schema the app serves. Written by "
                    "tests/test_schemas.py; page_valid marks where the page knowingly takes more than the server.",
            "schema": schema, "cases": cases}


def test_the_shared_schema_cases_are_the_served_schema(client):
    """tests/cases/schema.json holds /api/schema as served; when it is stale the test rewrites it (commit it)."""
    path = CASES / "schema.json"
    want = schema_cases(client.get("/api/schema").json())
    text = json.dumps(want, indent=1, ensure_ascii=False) + "\n"
    stale = not path.exists() or path.read_text(encoding="utf-8") != text
    if stale:
        path.write_text(text, encoding="utf-8")
    assert not stale, "tests/cases/schema.json was stale and has been rewritten: run the node tests and commit it"
