"""OpenAPI parameters of the run keys, so /docs lists every share-link key and what it allows."""
from app.schemas import FIELDS, RunConfig, allowed, value_text

RUN_PARAMETERS = [
    {
        "name": key,
        "in": "query",
        "required": False,
        "description": f"{allowed(key)}; a comma list gives one value per run. "
                       f"Default: {value_text(RunConfig.model_fields[key].default) or 'fits the data set'}",
        "schema": {"type": "string"},
    }
    for key in FIELDS
]
