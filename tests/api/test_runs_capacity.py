"""/api/stream and /api/history at capacity: slots, the queue, 503, and clients that leave."""
import socket

import httpx
import pytest

from tests.support.sse import iter_events
from tests.support.waiting import wait_until

LONG = "batch_size=1&n_samples=100000&epochs=15"


@pytest.mark.parametrize("endpoint", ["stream", "history"])
def test_a_client_that_leaves_stops_the_job_and_frees_the_slot(live_server, endpoint):
    server = live_server(training_slots=1, queue_size=0)
    scheduler = server.service.scheduler
    # a raw connection: /api/history answers only once trained, so a client that gives up
    # earlier never sees a header (as `curl -m 1` would)
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(f"GET /api/{endpoint}?{LONG} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        wait_until(lambda: server.service.active_records() and len(server.service.active_records()[0].loss) > 0)
        assert scheduler.in_use == 1
        record, = server.service.active_records()
    wait_until(lambda: scheduler.in_use == 0)
    assert record.status == "stopped"
    assert len(record.loss) < 1_500_000
    # the stopped run is not cached: asking again trains it again
    assert len(server.service.cache) == 0 and server.service.active_runs == 0


def test_over_capacity_waits_then_503_with_retry_after(live_server):
    server = live_server(training_slots=1, queue_size=0, slot_wait_seconds=0.3, retry_after_seconds=7)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        with http.stream("GET", f"/api/stream?{LONG}") as r:
            held = iter_events(r.iter_lines())  # keep a reference: a dropped reader closes the stream
            next(held)
            busy = http.get("/api/stream?batch_size=2&n_samples=100000&epochs=15")
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "7"
            assert server.service.stats.rejected["busy"] == 1
            # the same link follows the running job instead of needing a slot
            with http.stream("GET", f"/api/stream?{LONG}") as same:
                assert same.status_code == 200
                same_events = iter_events(same.iter_lines())
                assert next(same_events).event == "plan"


def test_within_the_queue_a_stream_shows_its_plan_at_once_and_trains_when_a_slot_frees(live_server):
    server = live_server(training_slots=1, queue_size=1, slot_wait_seconds=0.2)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        with http.stream("GET", f"/api/stream?{LONG}") as r:
            held = iter_events(r.iter_lines())
            next(held)
            with http.stream("GET", "/api/stream?batch_size=full&n_samples=100&epochs=3") as queued:
                events = iter_events(queued.iter_lines())
                assert next(events).event == "plan"  # before any slot frees
                assert server.service.scheduler.queued == 1
                # the queue is full now: a third comparison is refused
                third = http.get("/api/stream?batch_size=full&n_samples=100&epochs=4")
                assert third.status_code == 503
        # the long stream closed: its slot frees, the queued job runs and its stream ends
        # (its own connection was closed too; a new request for it trains it)
        done = http.get("/api/history?batch_size=full&n_samples=100&epochs=3").json()
        assert done["runs"][0]["status"] == "completed"
