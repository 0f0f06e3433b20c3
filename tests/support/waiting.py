"""Waiting in tests: an event loop of its own, and a condition with a guard."""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def run_async(scenario):
    """``asyncio.run(scenario())`` in a thread of its own: the session's Playwright browser keeps
    an event loop running in the main thread, where asyncio.run is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def wait_until(condition, guard=30.0):
    """Wait for a condition; the guard only keeps a broken test from hanging (no figure asserted)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.01)
