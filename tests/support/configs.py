"""Engine configurations for tests, built the way the app builds them: through the one schema
(``RunConfig``), so defaults and bounds are never repeated."""
from app.engine import TrainConfig
from app.schemas import RunConfig


def train_config(**keys) -> TrainConfig:
    """``batch_size=None`` means full batch; ``hidden`` may be a tuple of sizes."""
    if "batch_size" in keys and keys["batch_size"] is None:
        keys["batch_size"] = "full"
    if isinstance(keys.get("hidden"), tuple):
        keys["hidden"] = "x".join(map(str, keys["hidden"]))
    return RunConfig(**keys).train_config()
