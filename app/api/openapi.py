"""OpenAPI description of the run keys, read off the one schema: /docs lists every share-link
key with its type, bounds or options, default and help."""
from app.schemas import FIELDS, allowed, run_schema

COMMA_LIST = {"type": "string", "pattern": ",", "description": "a comma list: one value per run"}


def _parameter(name: str) -> dict:
    prop = {k: v for k, v in run_schema()["properties"][name].items() if k != "title"}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{prop.get('description', '')}. Allowed: {allowed(name)}; a comma list gives one value per run.",
        "schema": {"anyOf": [prop, COMMA_LIST]},
    }


RUN_PARAMETERS = [_parameter(name) for name in FIELDS]
