"""Helpers of the tests. Engine configurations for tests and benchmarks, built the way the app
builds them: through the one schema (``RunConfig``), so defaults and bounds are never repeated."""
import time

from app.engine import TrainConfig
from app.schemas import RunConfig


def train_config(**keys) -> TrainConfig:
    """``batch_size=None`` means full batch; ``hidden`` may be a tuple of sizes."""
    if "batch_size" in keys and keys["batch_size"] is None:
        keys["batch_size"] = "full"
    if isinstance(keys.get("hidden"), tuple):
        keys["hidden"] = "x".join(map(str, keys["hidden"]))
    return RunConfig(**keys).train_config()


def run_async(scenario):
    """``asyncio.run(scenario())`` in a thread of its own: the session's Playwright browser keeps
    an event loop running in the main thread, where asyncio.run is refused."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def wait_until(condition, guard=30.0):
    """Wait for a condition; the guard only keeps a broken test from hanging (no figure asserted)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.01)
