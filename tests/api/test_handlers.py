"""Refusals become HTTP answers in one place: 422 items, 429 and 503 with Retry-After."""


def test_a_bad_endpoint_parameter_has_the_same_422_shape(client):
    r = client.get("/api/history?format=xml")
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["loc"] == ["query", "format"] and item["msg"].startswith("format:") and item["input"] == "xml"


def test_busy_is_503_with_retry_after(make_client):
    client = make_client(training_slots=1, queue_size=0, slot_wait_seconds=0.01, retry_after_seconds=9)
    with client.stream("GET", "/api/stream?batch_size=1&n_samples=100000&epochs=5") as first:
        assert first.status_code == 200
        r = client.get("/api/history?batch_size=2&n_samples=100000&epochs=5")
        assert r.status_code == 503 and r.headers["Retry-After"] == "9" and "busy" in r.json()["detail"]
