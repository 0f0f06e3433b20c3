"""Health check and the metrics endpoint."""
from tests.support.metrics import metric


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["training_slots_free"] >= 1


def test_healthz_says_when_the_kernels_have_loaded(client):
    client.get("/api/history?batch_size=full&n_samples=20&epochs=1")  # a run waits for them
    assert client.get("/healthz").json()["kernels"] == "ready"


def test_healthz_counts_active_and_cached_runs(client):
    client.get("/api/history?batch_size=full&n_samples=20&epochs=1")
    body = client.get("/healthz").json()
    assert body["active_runs"] == 0 and body["cached_runs"] == 1


def test_metrics_endpoint_is_prometheus_text(client):
    r = client.get("/metrics")
    assert r.headers["content-type"].startswith("text/plain") and metric(r.text, "gdv_training_slots_in_use") == 0
