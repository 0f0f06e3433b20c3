"""Prometheus metrics read off the run service's counters."""
import os
import socket

from tests.support.metrics import metric
from tests.support.sse import read_stream


def test_metrics_count_runs_cache_hits_rejections_and_stream_time(client):
    read_stream(client, "batch_size=full,1&epochs=2&n_samples=100")
    read_stream(client, "batch_size=full,1&epochs=2&n_samples=100")
    read_stream(client, "batch_size=full&epochs=100&learning_rate=10")
    client.get("/api/plan?epochs=0")
    text = client.get("/metrics").text
    assert metric(text, "gdv_runs_started_total") == 3
    assert metric(text, "gdv_runs_finished_total", '{status="completed"}') == 2
    assert metric(text, "gdv_runs_finished_total", '{status="diverged"}') == 1
    assert metric(text, "gdv_cache_hits_total") == 2
    assert metric(text, "gdv_requests_rejected_total", '{reason="invalid"}') == 1
    assert metric(text, "gdv_streams_total") == 3 and metric(text, "gdv_stream_seconds_total") > 0


def test_metrics_name_the_worker_answering(client):
    """A replica's workers count apart; the scrape says whose counters these are."""
    text = client.get("/metrics").text
    assert metric(text, "gdv_worker_info", f'{{worker="{socket.gethostname()}:{os.getpid()}"}}') == 1
