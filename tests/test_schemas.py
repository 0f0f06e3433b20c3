"""The one schema: every key's type, default, bounds, options and help, and the engine config."""
from app.schemas import DEFAULTS, FIELDS, PAGE_KEYS, RunConfig, allowed, run_schema


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
